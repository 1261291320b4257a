import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { synthesize } from '../../fixtures/speech.js'

const run = promisify(execFile)
const SENTENCE = 'Please send the invoice to our office before Friday'
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z' ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)

/**
 * /v1/audio/transcriptions writes the upload to a temporary file and decodes it from there. Uploads
 * here are over a megabyte, so they are read from disk block by block rather than whole.
 */
describe('/v1/audio/transcriptions with uploads decoded from disk', () => {
  let t: TestApp
  let base: string
  let long: string
  let scratch: string
  const priorTmp = process.env.TMPDIR

  const leftovers = () => readdirSync(scratch).filter((name) => name.startsWith('voxlens-upload-'))
  const post = async (file: Buffer) => {
    const form = new FormData()
    form.append('file', new Blob([file]), 'call.wav')
    form.append('model', 'whisper-1')
    const res = await fetch(`${base}/v1/audio/transcriptions`, { method: 'POST', body: form })
    return { status: res.status, body: (await res.json()) as { text?: string; error?: { code: string } } }
  }

  beforeAll(async () => {
    const wav = await synthesize(SENTENCE, { voice: 'slt', padStart: 0.3, padEnd: 0.3 })
    // Temporary files of this process only, so uploads from other test files cannot be mistaken for leftovers.
    scratch = mkdtempSync(join(tmpdir(), 'voxlens-upload-test-'))
    process.env.TMPDIR = scratch
    long = join(scratch, 'long.wav')
    // 44.1 kHz stereo, the sentence twice: about 2 MB.
    await run('sox', [wav, '-r', '44100', '-c', '2', long, 'repeat', '1'])
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', MAX_UPLOAD_MB: '4', MAX_AUDIO_SECONDS: '60', RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  }, 300_000)
  afterAll(async () => {
    await t?.close()
    process.env.TMPDIR = priorTmp
    if (priorTmp === undefined) delete process.env.TMPDIR
    rmSync(scratch, { recursive: true, force: true })
  })

  it('transcribes a long stereo WAV and leaves no temporary file behind', async () => {
    const bytes = readFileSync(long)
    expect(bytes.length).toBeGreaterThan(1024 * 1024)
    const res = await post(bytes)
    expect(res.status).toBe(200)
    const heard = words(res.body.text ?? '')
    expect(heard.filter((w) => words(SENTENCE).includes(w)).length).toBeGreaterThanOrEqual(words(SENTENCE).length)
    expect(leftovers()).toEqual([])
  }, 300_000)

  it('refuses a WAV cut off in the middle as corrupt and leaves no temporary file behind', async () => {
    const bytes = readFileSync(long)
    const res = await post(bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    expect(res.status).toBe(400)
    expect(res.body.error?.code).toBe('corrupt_audio')
    expect(leftovers()).toEqual([])
  })

  it('refuses a file over MAX_UPLOAD_MB with 413 and leaves no temporary file behind', async () => {
    const res = await post(Buffer.alloc(5 * 1024 * 1024, 1))
    expect(res.status).toBe(413)
    expect(res.body.error?.code).toBe('file_too_large')
    expect(leftovers()).toEqual([])
  })
})
