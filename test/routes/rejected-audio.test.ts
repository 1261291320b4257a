import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { toneWav } from '../helpers/wav.js'
import { audioKey } from '../../src/storage/keys.js'

async function injectForm(t: TestApp, file: Buffer) {
  const req = new Request('http://x/api/calls', {
    method: 'POST',
    body: (() => {
      const f = new FormData()
      f.append('file', new Blob([file]), 'cut.wav')
      f.append('analyze', 'false')
      return f
    })()
  })
  const payload = Buffer.from(await req.arrayBuffer())
  return t.app.inject({ method: 'POST', url: '/api/calls', payload, headers: { 'content-type': req.headers.get('content-type')! } })
}

describe('audio of rejected uploads', () => {
  let dropping: TestApp
  let keeping: TestApp
  // Half of a WAV whose header promises ten seconds: stored, then rejected while decoding.
  const cut = toneWav(10).subarray(0, 16_000 * 2 * 5)
  // Longer than MAX_AUDIO_SECONDS allows.
  const long = toneWav(4)

  beforeAll(async () => {
    dropping = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000', MAX_AUDIO_SECONDS: '3' } })
    keeping = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000', KEEP_FAILED_AUDIO: 'true' } })
  })
  afterAll(async () => {
    await dropping?.close()
    await keeping?.close()
  })

  it.each([
    ['a truncated WAV', cut, 'corrupt_audio'],
    ['a recording over MAX_AUDIO_SECONDS', long, 'audio_too_long']
  ])('drops the stored audio of %s and keeps the failed record with its reason', async (_name, file, code) => {
    const res = await injectForm(dropping, file)
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body).toMatchObject({ success: false, code, details: { id: expect.any(String) } })
    const id = body.details.id as string

    const record = (await dropping.app.inject({ url: `/api/calls/${id}` })).json().data
    expect(record).toMatchObject({ status: 'failed', error: expect.any(String) })
    expect(record.error.length).toBeGreaterThan(10)
    expect(await dropping.app.storage.exists(audioKey(id))).toBe(false)
    const row = await dropping.app.db.prisma.callRecord.findUniqueOrThrow({ where: { id } })
    expect(row.audioPath).toBeNull()
  })

  it('keeps the audio with KEEP_FAILED_AUDIO=true', async () => {
    const res = await injectForm(keeping, cut)
    expect(res.statusCode).toBe(400)
    const id = res.json().details.id as string
    expect(await keeping.app.storage.exists(audioKey(id))).toBe(true)
  })
})
