import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGroqEngine } from '../../../src/stt/engines/groq.js'
import { startTranscriptionStub, type TranscriptionStub } from '../../helpers/stubs/transcriptions.js'
import { cloudEngineSuite } from './cloud-suite.js'
import { speechLike } from './fixtures.js'

cloudEngineSuite<TranscriptionStub>({
  engine: 'groq',
  keyVariable: 'GROQ_API_KEY',
  start: (apiKey) => startTranscriptionStub({ prefix: '/openai/v1', apiKey }),
  create: ({ url, ...opts }) => createGroqEngine({ ...opts, baseURL: url || undefined }),
  confidence: Math.exp(-0.25),
  uploads: (stub) => stub.requests.map((r) => r.file.wav.seconds)
})

describe('groq engine request', () => {
  let stub: TranscriptionStub
  beforeEach(async () => {
    stub = await startTranscriptionStub({ prefix: '/openai/v1', apiKey: 'k', language: 'French' })
  })
  afterEach(() => stub.close())

  it('uploads a 16 kHz mono 16-bit WAV with model, language, prompt and verbose_json', async () => {
    const engine = createGroqEngine({ apiKey: 'k', baseURL: stub.url })
    const t = await engine.transcribe(speechLike(1.5), { language: 'fr', prompt: 'Voxlens, Groq' })
    const [req] = stub.requests
    expect(req.authorization).toBe('Bearer k')
    expect(req.fields).toMatchObject({
      model: 'whisper-large-v3-turbo',
      language: 'fr',
      prompt: 'Voxlens, Groq',
      response_format: 'verbose_json',
      'timestamp_granularities[]': 'word,segment'
    })
    expect(req.file).toMatchObject({ name: 'audio.wav', type: 'audio/wav', wav: { sampleRate: 16000, channels: 1, bitsPerSample: 16, seconds: 1.5 } })
    expect(t.language).toBe('fr') // "French" from the API, as a code
  })

  it('asks for segments only when word timings are not wanted', async () => {
    const engine = createGroqEngine({ apiKey: 'k', baseURL: stub.url, model: 'whisper-large-v3' })
    const t = await engine.transcribe(speechLike(1), { wordTimestamps: false })
    expect(stub.requests[0].fields).toMatchObject({ model: 'whisper-large-v3', 'timestamp_granularities[]': 'segment' })
    expect(t.words).toEqual([])
    expect(t.segments).toHaveLength(1)
  })
})
