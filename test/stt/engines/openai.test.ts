import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createOpenAiEngine } from '../../../src/stt/engines/openai.js'
import { startTranscriptionStub, type TranscriptionStub } from '../../helpers/stubs/transcriptions.js'
import { cloudEngineSuite } from './cloud-suite.js'
import { speechLike } from './fixtures.js'

cloudEngineSuite<TranscriptionStub>({
  engine: 'openai',
  keyVariable: 'OPENAI_API_KEY',
  start: (apiKey) => startTranscriptionStub({ prefix: '/v1', apiKey, avgLogprob: -0.1 }),
  create: ({ url, ...opts }) => createOpenAiEngine({ ...opts, baseURL: url ? `${url}/v1` : undefined }),
  confidence: Math.exp(-0.1),
  uploads: (stub) => stub.requests.map((r) => r.file.wav.seconds)
})

describe('openai engine request', () => {
  let stub: TranscriptionStub
  beforeEach(async () => {
    stub = await startTranscriptionStub({ prefix: '/v1', apiKey: 'sk-test' })
  })
  afterEach(() => stub.close())

  it('uploads the WAV with whisper-1 and verbose_json to /v1/audio/transcriptions', async () => {
    const engine = createOpenAiEngine({ apiKey: 'sk-test', baseURL: `${stub.url}/v1` })
    await engine.transcribe(speechLike(1), { language: 'en' })
    expect(stub.requests[0]).toMatchObject({
      path: '/v1/audio/transcriptions',
      fields: { model: 'whisper-1', language: 'en', response_format: 'verbose_json', 'timestamp_granularities[]': 'word,segment' },
      file: { name: 'audio.wav', wav: { sampleRate: 16000, channels: 1, bitsPerSample: 16, seconds: 1 } }
    })
  })

  it('runs against a self-hosted server with a base URL and no key', async () => {
    const engine = createOpenAiEngine({ baseURL: `${stub.url}/v1` })
    expect(await engine.available()).toEqual({ ok: true })
    // The stub wants a key, like a server with auth turned on: the error says which variable to set.
    await expect(engine.transcribe(speechLike(1))).rejects.toMatchObject({ code: 'engine_auth_failed', message: expect.stringContaining('OPENAI_API_KEY') })
  })

  it('reports an unreachable server as engine_unavailable after retrying', async () => {
    const url = stub.url
    await stub.close()
    const engine = createOpenAiEngine({ apiKey: 'sk-test', baseURL: `${url}/v1`, retry: { attempts: 2, baseDelayMs: 5 } })
    await expect(engine.transcribe(speechLike(1))).rejects.toMatchObject({ code: 'engine_unavailable', message: expect.stringContaining('after 2 attempts') })
    stub = await startTranscriptionStub({ prefix: '/v1', apiKey: 'sk-test' })
  })
})
