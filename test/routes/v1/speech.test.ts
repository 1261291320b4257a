import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import OpenAI from 'openai'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { decodeAudio } from '../../../src/audio/index.js'
import { normalizeWords } from '../../../src/stt/wer.js'

const run = promisify(execFile)
const SENTENCE = 'I would like to buy the premium plan for my company'

/** The cache counter as /metrics shows it, so the tests see what an operator sees. */
async function cacheCount(t: TestApp, outcome: 'hit' | 'miss'): Promise<number> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' })
  const line = res.body.split('\n').find((l) => l.startsWith('voxlens_tts_cache_total{') && l.includes(`outcome="${outcome}"`) && l.includes('engine="flite"'))
  return line ? Number(line.split(' ').at(-1)) : 0
}

describe('OpenAI-compatible /v1/audio/speech', () => {
  let t: TestApp
  let client: OpenAI
  let base: string

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000', LLM_PROVIDER: 'builtin' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    client = new OpenAI({ apiKey: 'sk-local', baseURL: `${base}/v1`, maxRetries: 0 })
  })
  afterAll(async () => t.close())

  it.each(['mp3', 'wav', 'opus'] as const)('speaks %s that our recogniser reads back as the same words', async (format) => {
    const response = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: SENTENCE, response_format: format })
    expect(response.headers.get('content-type')).toBe({ mp3: 'audio/mpeg', wav: 'audio/wav', opus: 'audio/ogg' }[format])
    const bytes = Buffer.from(await response.arrayBuffer())
    const decoded = await decodeAudio(bytes, { maxSeconds: 60 })
    expect(decoded.info.duration).toBeGreaterThan(2)
    const { transcript } = await t.app.stt.transcribeFile(bytes)
    expect(normalizeWords(transcript.text)).toEqual(normalizeWords(SENTENCE))
  })

  it('speaks aac, flac and raw 24 kHz pcm', async () => {
    const flac = await client.audio.speech.create({ model: 'flite', voice: 'rms', input: 'Good morning.', response_format: 'flac' })
    expect((await decodeAudio(Buffer.from(await flac.arrayBuffer()), { maxSeconds: 60 })).info.duration).toBeGreaterThan(0.4)
    // Our decoder reads AAC inside M4A only; ffprobe reads the ADTS stream OpenAI's clients expect.
    const aac = await client.audio.speech.create({ model: 'flite', voice: 'rms', input: 'Good morning.', response_format: 'aac' })
    const dir = await mkdtemp(join(tmpdir(), 'vx-aac-'))
    await writeFile(join(dir, 'a.aac'), Buffer.from(await aac.arrayBuffer()))
    const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate', '-of', 'default=nw=1', join(dir, 'a.aac')])
    expect(probe.stdout).toMatch(/codec_name=aac/)
    expect(probe.stdout).toMatch(/sample_rate=24000/)
    await rm(dir, { recursive: true })
    const pcm = await client.audio.speech.create({ model: 'flite', voice: 'rms', input: 'Good morning.', response_format: 'pcm' })
    const bytes = Buffer.from(await pcm.arrayBuffer())
    const seconds = bytes.length / 2 / 24_000
    expect(seconds).toBeGreaterThan(0.4)
    expect(seconds).toBeLessThan(3)
  })

  it('honours speed: twice as fast is about half as long', async () => {
    const input = 'Practice makes perfect, so keep speaking every day.'
    const length = async (speed: number) => {
      const res = await client.audio.speech.create({ model: 'tts-1', voice: 'nova', input, response_format: 'wav', speed })
      return (await decodeAudio(Buffer.from(await res.arrayBuffer()), { maxSeconds: 60 })).info.duration
    }
    const normal = await length(1)
    const fast = await length(2)
    expect(fast / normal).toBeGreaterThan(0.4)
    expect(fast / normal).toBeLessThan(0.6)
  })

  it('maps OpenAI voices to our voices: a male and a female voice sound different', async () => {
    const spoken = async (voice: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/audio/speech', payload: { model: 'tts-1', voice, input: 'Hello.', response_format: 'wav' } })
      return res
    }
    const female = await spoken('nova')
    const male = await spoken('onyx')
    expect(female.headers['x-voxlens-voice']).toBe('slt')
    expect(male.headers['x-voxlens-voice']).toBe('rms')
    expect(female.rawPayload.equals(male.rawPayload)).toBe(false)
  })

  it('synthesises a repeated request once: the second is a cache hit with the same bytes', async () => {
    const input = `Cache me once, please ${Date.now()}.`
    const before = { hit: await cacheCount(t, 'hit'), miss: await cacheCount(t, 'miss') }
    const first = Buffer.from(await (await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input, response_format: 'mp3' })).arrayBuffer())
    const second = Buffer.from(await (await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input, response_format: 'mp3' })).arrayBuffer())
    expect(second.equals(first)).toBe(true)
    expect(await cacheCount(t, 'miss')).toBe(before.miss + 1)
    expect(await cacheCount(t, 'hit')).toBe(before.hit + 1)
    // Another format of the same text is another file.
    await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input, response_format: 'wav' })
    expect(await cacheCount(t, 'miss')).toBe(before.miss + 2)
  })

  it.each([
    ['empty input', { model: 'tts-1', voice: 'alloy', input: '' }, /input/],
    ['blank input', { model: 'tts-1', voice: 'alloy', input: '   ' }, /empty/],
    ['input over 4096 characters', { model: 'tts-1', voice: 'alloy', input: 'a'.repeat(4097) }, /4096/],
    ['unknown voice', { model: 'tts-1', voice: 'darth', input: 'Hi' }, /Unknown voice "darth".*slt, rms, awb, kal/],
    ['unknown format', { model: 'tts-1', voice: 'alloy', input: 'Hi', response_format: 'ogg' }, /response_format/],
    ['unknown model', { model: 'tts-9', voice: 'alloy', input: 'Hi' }, /Unknown speech model "tts-9".*flite, espeak-ng/],
    ['speed out of range', { model: 'tts-1', voice: 'alloy', input: 'Hi', speed: 5 }, /speed/],
    ['missing voice', { model: 'tts-1', input: 'Hi' }, /voice/]
  ])('refuses %s with an OpenAI-shaped 400', async (_name, payload, message) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/audio/speech', payload })
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body.error).toMatchObject({ type: 'invalid_request_error' })
    expect(body.error.message).toMatch(message)
  })

  it('surfaces a 400 through the SDK as BadRequestError', async () => {
    await expect(client.audio.speech.create({ model: 'tts-1', voice: 'darth', input: 'Hi' })).rejects.toMatchObject({ status: 400, code: 'unknown_voice' })
  })

  it('lists speech engines beside transcription engines in GET /v1/models', async () => {
    const models = await client.models.list()
    const speech = models.data.filter((m) => (m as unknown as { task: string }).task === 'speech').map((m) => m.id)
    expect(speech).toEqual(expect.arrayContaining(['flite', 'espeak-ng']))
    expect(models.data.some((m) => (m as unknown as { task: string }).task === 'transcription' && m.id === 'sphinx')).toBe(true)
  })

  it('espeak-ng speaks too, with its own voices', async () => {
    const res = await client.audio.speech.create({ model: 'espeak-ng', voice: 'en-gb', input: 'Hello there.', response_format: 'mp3' })
    const decoded = await decodeAudio(Buffer.from(await res.arrayBuffer()), { maxSeconds: 60 })
    expect(decoded.info.duration).toBeGreaterThan(0.4)
  })
})
