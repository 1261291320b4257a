import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import OpenAI, { toFile } from 'openai'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { makeNoise, speechDir, synthesize } from '../fixtures/speech.js'
import { normalizeWords } from '../../src/stt/wer.js'

const run = promisify(execFile)
const SENTENCE = 'I would like to buy the premium plan for my company'

describe('OpenAI-compatible /v1/audio/transcriptions', () => {
  let t: TestApp
  let base: string
  let client: OpenAI
  let wav: string

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', MAX_UPLOAD_MB: '2', MAX_AUDIO_SECONDS: '20', RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    // OpenAI SDKs insist on a key; a placeholder is anonymous unless AUTH_MODE=required.
    client = new OpenAI({ apiKey: 'sk-local', baseURL: `${base}/v1`, maxRetries: 0 })
    wav = await synthesize(SENTENCE, { voice: 'slt', padStart: 0.3, padEnd: 0.3 })
  })
  afterAll(async () => t.close())

  it('answers json with the recognised words', async () => {
    const res = await client.audio.transcriptions.create({ file: createReadStream(wav), model: 'whisper-1' })
    expect(normalizeWords(res.text)).toEqual(normalizeWords(SENTENCE))
  })

  it('answers text, srt and vtt in their formats', async () => {
    const text = await client.audio.transcriptions.create({ file: createReadStream(wav), model: 'whisper-1', response_format: 'text' })
    expect(normalizeWords(text as unknown as string)).toEqual(normalizeWords(SENTENCE))

    const srt = (await client.audio.transcriptions.create({ file: createReadStream(wav), model: 'whisper-1', response_format: 'srt' })) as unknown as string
    expect(srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/)
    expect(normalizeWords(srt.split('\n').slice(2).join(' '))).toEqual(normalizeWords(SENTENCE))

    const vtt = (await client.audio.transcriptions.create({ file: createReadStream(wav), model: 'whisper-1', response_format: 'vtt' })) as unknown as string
    expect(vtt).toMatch(/^WEBVTT\n\n\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n/)
  })

  it('answers verbose_json with segments and, when asked, word timings', async () => {
    const res = await client.audio.transcriptions.create({
      file: createReadStream(wav),
      model: 'sphinx',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment']
    })
    expect(res.language).toBe('english')
    expect(res.duration).toBeGreaterThan(2)
    expect(res.segments!.length).toBeGreaterThan(0)
    const w = res.words!
    expect(w.map((x) => x.word)).toEqual(normalizeWords(SENTENCE))
    // Times are absolute: the 0.3 s of leading silence comes before the first word.
    expect(w[0].start).toBeGreaterThanOrEqual(0.25)
    for (let i = 1; i < w.length; i++) expect(w[i].start).toBeGreaterThanOrEqual(w[i - 1].end - 0.011)
    expect(w.at(-1)!.end).toBeLessThanOrEqual(res.duration)

    const segmentsOnly = await client.audio.transcriptions.create({ file: createReadStream(wav), model: 'whisper-1', response_format: 'verbose_json' })
    expect(segmentsOnly.words).toBeUndefined()
    expect(segmentsOnly.segments!.length).toBeGreaterThan(0)
  })

  it('transcribes the same speech to the same words in every container', async () => {
    const out = (ext: string) => join(speechDir, `openai-fmt-${process.pid}.${ext}`)
    const conversions: [string, string[]][] = [
      ['flac', []],
      ['mp3', ['-b:a', '64k']],
      ['ogg', ['-c:a', 'libvorbis']],
      ['opus', ['-c:a', 'libopus']],
      ['webm', ['-c:a', 'libopus']],
      ['m4a', ['-c:a', 'aac']],
      ['wav', ['-ar', '8000', '-ac', '2']]
    ]
    const expected = normalizeWords(SENTENCE)
    for (const [ext, args] of conversions) {
      await run('ffmpeg', ['-y', '-loglevel', 'error', '-i', wav, ...args, out(ext)])
      // A misleading name must not matter: the container is sniffed from the bytes.
      const res = await client.audio.transcriptions.create({ file: await toFile(readFileSync(out(ext)), 'recording.bin'), model: 'whisper-1' })
      const got = normalizeWords(res.text)
      const hits = got.filter((w, i) => w === expected[i]).length
      expect(hits / expected.length, `${ext}: "${res.text}"`).toBeGreaterThanOrEqual(ext === 'wav' ? 0.8 : 0.9)
    }
  })

  it('gives silence an empty transcript', async () => {
    const res = await client.audio.transcriptions.create({
      file: createReadStream(await makeNoise(3)),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word']
    })
    expect(res.text).toBe('')
    expect(res.words).toEqual([])
  })

  it('times decode, vad and stt per engine and counts audio seconds in /metrics', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text()
    for (const stage of ['decode', 'vad', 'stt']) {
      expect(metrics).toMatch(new RegExp(`voxlens_stage_duration_seconds_count\\{stage="${stage}",engine="sphinx"\\} [1-9]`))
    }
    expect(metrics).toMatch(/voxlens_audio_processed_seconds_total\{engine="sphinx"\} [1-9]/)
  })

  it('lists engines as models', async () => {
    const models = await client.models.list()
    expect(models.data.map((m) => m.id)).toContain('sphinx')
  })

  describe('bad input gets a 4xx in OpenAI error shape, and the server keeps serving', () => {
    const post = async (file: Buffer | null, fields: Record<string, string> = { model: 'whisper-1' }) => {
      const form = new FormData()
      if (file) form.append('file', new Blob([file]), 'x.wav')
      for (const [k, v] of Object.entries(fields)) form.append(k, v)
      const res = await fetch(`${base}/v1/audio/transcriptions`, { method: 'POST', body: form })
      return { status: res.status, body: (await res.json()) as { error: { message: string; type: string; code: string } } }
    }

    it.each([
      ['empty file', () => Buffer.alloc(0), 400, 'empty_file'],
      ['random bytes', () => randomBytes(50_000), 400, 'not_audio'],
      ['a PNG image', () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2000)]), 400, 'not_audio'],
      ['a truncated WAV', () => readFileSync(wav).subarray(0, 20_000), 400, 'corrupt_audio'],
      ['a file over MAX_UPLOAD_MB', () => Buffer.alloc(3 * 1024 * 1024, 1), 413, 'file_too_large']
    ])('%s', async (_name, make, status, code) => {
      const res = await post(make())
      expect(res.status).toBe(status)
      expect(res.body.error).toMatchObject({ code, type: 'invalid_request_error', message: expect.any(String) })
      expect(res.body.error.message.length).toBeGreaterThan(20)
    })

    it('audio longer than MAX_AUDIO_SECONDS', async () => {
      const long = await makeNoise(25)
      const res = await post(readFileSync(long))
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('audio_too_long')
    })

    it('a missing file field, a bad field value and a non-multipart body', async () => {
      expect((await post(null)).body.error.code).toBe('missing_file')
      const bad = await post(readFileSync(wav), { model: 'whisper-1', response_format: 'xml' })
      expect(bad.status).toBe(400)
      expect(bad.body.error.message).toMatch(/response_format/)
      const json = await fetch(`${base}/v1/audio/transcriptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      expect(json.status).toBe(400)
      expect(((await json.json()) as { error: { code: string } }).error.code).toBe('not_multipart')
      const broken = await fetch(`${base}/v1/audio/transcriptions`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
        body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF'
      })
      expect(broken.status).toBe(400)
    })

    it('still serves afterwards', async () => {
      expect((await fetch(`${base}/health`)).status).toBe(200)
      const res = await client.audio.transcriptions.create({ file: createReadStream(wav), model: 'whisper-1' })
      expect(normalizeWords(res.text).length).toBeGreaterThan(5)
    })
  })
})

describe('/v1 with AUTH_MODE=required', () => {
  let t: TestApp
  let base: string
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTH_MODE: 'required', STT_POOL_SIZE: '1' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => t.close())

  it('refuses placeholder keys and accepts a voxlens API key through the SDK', async () => {
    const anon = new OpenAI({ apiKey: 'sk-local', baseURL: `${base}/v1`, maxRetries: 0 })
    await expect(anon.models.list()).rejects.toMatchObject({ status: 401 })
    const user = await signUp(t.app)
    const created = await t.app.inject({ method: 'POST', url: '/api/auth/keys', headers: user.headers, payload: { name: 'sdk' } })
    const sdk = new OpenAI({ apiKey: created.json().data.key, baseURL: `${base}/v1`, maxRetries: 0 })
    const wav = await synthesize('thank you for calling', { voice: 'rms' })
    const res = await sdk.audio.transcriptions.create({ file: createReadStream(wav), model: 'whisper-1' })
    expect(normalizeWords(res.text)).toContain('calling')
  })
})
