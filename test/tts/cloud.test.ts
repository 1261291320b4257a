import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { startSpeechStub, type SpeechStub } from '../helpers/stubs/speech.js'
import { startGeminiSpeechStub, type GeminiSpeechStub } from '../helpers/stubs/gemini-speech.js'
import { decodeAudio } from '../../src/audio/index.js'

const speak = (t: TestApp, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/v1/audio/speech', payload })
const seconds = async (bytes: Buffer) => (await decodeAudio(bytes, { maxSeconds: 60 })).info.duration
/** The stubs answer one second of tone; lossy encoders pad a few tens of milliseconds. */
function aboutOneSecond(s: number) {
  expect(s).toBeGreaterThan(0.95)
  expect(s).toBeLessThan(1.1)
}

describe('cloud speech engines against stubs of their APIs', () => {
  let openai: SpeechStub
  let groq: SpeechStub
  let gemini: GeminiSpeechStub
  let t: TestApp

  beforeAll(async () => {
    openai = await startSpeechStub({ prefix: '/v1', apiKey: 'sk-openai', formats: ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] })
    groq = await startSpeechStub({ prefix: '/openai/v1', apiKey: 'gsk-groq', formats: ['wav'] })
    gemini = await startGeminiSpeechStub({ apiKey: 'gemini-key' })
    t = await buildTestApp({
      env: {
        OPENAI_API_KEY: 'sk-openai',
        OPENAI_BASE_URL: `${openai.url}/v1`,
        GROQ_API_KEY: 'gsk-groq',
        GROQ_BASE_URL: groq.url,
        GEMINI_API_KEY: 'gemini-key',
        GEMINI_BASE_URL: gemini.url,
        LLM_PROVIDER: 'builtin',
        STT_ENGINE: 'sphinx',
        STT_POOL_SIZE: '1',
        // Generous: every successful synthesis here must finish within it on a loaded CI machine too.
        TTS_TIMEOUT_SECONDS: '5',
        RATE_LIMIT_PER_MINUTE: '1000'
      }
    })
  })
  afterAll(async () => {
    await t?.close()
    await Promise.all([openai?.close(), groq?.close(), gemini?.close()])
  })

  it('lists every keyed engine as a speech model', async () => {
    const models = (await t.app.inject('/v1/models')).json().data.filter((m: { task: string }) => m.task === 'speech')
    expect(models.map((m: { id: string }) => m.id)).toEqual(['flite', 'espeak-ng', 'openai', 'gemini', 'groq'])
    expect(models.every((m: { available: boolean }) => m.available)).toBe(true)
  })

  it('openai: sends OpenAI speech requests for raw PCM and encodes the answer itself', async () => {
    const res = await speak(t, { model: 'openai', voice: 'nova', input: 'Hello from the cloud.', response_format: 'mp3', instructions: 'Speak warmly' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe('audio/mpeg')
    expect(openai.requests.at(-1)).toEqual({
      path: '/v1/audio/speech',
      authorization: 'Bearer sk-openai',
      body: { model: 'gpt-4o-mini-tts', voice: 'nova', input: 'Hello from the cloud.', response_format: 'pcm', instructions: 'Speak warmly' }
    })
    aboutOneSecond(await seconds(res.rawPayload))
  })

  it('openai: a speed gpt-4o-mini-tts cannot take is applied to the audio here', async () => {
    const res = await speak(t, { model: 'openai', voice: 'alloy', input: 'Twice as fast.', response_format: 'wav', speed: 2 })
    expect(res.statusCode, res.body).toBe(200)
    expect(openai.requests.at(-1)!.body.speed).toBeUndefined()
    expect(await seconds(res.rawPayload)).toBeCloseTo(0.5, 1)
  })

  it('gemini: asks generateContent for AUDIO in the mapped prebuilt voice', async () => {
    const res = await speak(t, { model: 'gemini', voice: 'nova', input: 'Namaste, how are you?', response_format: 'opus' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe('audio/ogg')
    const sent = gemini.requests.at(-1)!
    expect(sent).toMatchObject({ model: 'gemini-2.5-flash-preview-tts', apiKey: 'gemini-key', text: 'Namaste, how are you?' })
    expect(sent.generationConfig.responseModalities).toEqual(['AUDIO'])
    expect(sent.generationConfig.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName).toBe('Leda')
    aboutOneSecond(await seconds(res.rawPayload))
  })

  it('groq: asks for WAV in the mapped Orpheus voice', async () => {
    const res = await speak(t, { model: 'groq', voice: 'onyx', input: 'Keep practising.', response_format: 'flac' })
    expect(res.statusCode, res.body).toBe(200)
    expect(groq.requests.at(-1)).toMatchObject({
      path: '/openai/v1/audio/speech',
      authorization: 'Bearer gsk-groq',
      body: { model: 'canopylabs/orpheus-v1-english', voice: 'troy', input: 'Keep practising.', response_format: 'wav' }
    })
    aboutOneSecond(await seconds(res.rawPayload))
  })

  it('a rejected key is a 502 that names the variable to fix', async () => {
    openai.script({ kind: 'unauthorized' })
    const res = await speak(t, { model: 'openai', voice: 'alloy', input: 'Who am I?' })
    expect(res.statusCode).toBe(502)
    expect(res.json().error).toMatchObject({ code: 'tts_auth_failed', type: 'server_error' })
    expect(res.json().error.message).toMatch(/OPENAI_API_KEY/)
  })

  it('an engine past TTS_TIMEOUT_SECONDS is a 504 saying so, and nothing is kept: the retry synthesises', async () => {
    gemini.script({ kind: 'hang' })
    const payload = { model: 'gemini', voice: 'Kore', input: `Too slow ${Date.now()}.`, response_format: 'mp3' }
    const hits = gemini.hits
    const res = await speak(t, payload)
    expect(res.statusCode).toBe(504)
    expect(res.json().error).toMatchObject({ code: 'tts_timeout' })
    expect(res.json().error.message).toMatch(/took longer than 5 s \(TTS_TIMEOUT_SECONDS\).*try again/)

    const retry = await speak(t, payload)
    expect(retry.statusCode).toBe(200)
    expect(gemini.hits).toBe(hits + 2)
  })

  it("a vendor's refusal is a 422 that quotes it", async () => {
    groq.script({ kind: 'bad-request', message: 'voice troy is not available' })
    const res = await speak(t, { model: 'groq', voice: 'troy', input: 'Odd one.' })
    expect(res.statusCode).toBe(422)
    expect(res.json().error.message).toMatch(/groq speech engine rejected the request \(HTTP 400\): .*voice troy is not available/)
  })
})
