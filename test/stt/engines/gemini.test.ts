import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGeminiEngine, fromGeminiReply } from '../../../src/stt/engines/gemini.js'
import { UNKNOWN_CONFIDENCE } from '../../../src/stt/engines/transcript.js'
import { startGeminiStub, type GeminiStub } from '../../helpers/stubs/gemini.js'
import { cloudEngineSuite } from './cloud-suite.js'
import { speechLike } from './fixtures.js'

cloudEngineSuite<GeminiStub>({
  engine: 'gemini',
  keyVariable: 'GEMINI_API_KEY',
  start: (apiKey) => startGeminiStub({ apiKey }),
  create: ({ url, ...opts }) => createGeminiEngine({ ...opts, baseUrl: url || undefined }),
  confidence: UNKNOWN_CONFIDENCE,
  uploads: (stub) => stub.requests.map((r) => r.audio.wav.seconds)
})

describe('gemini engine request', () => {
  let stub: GeminiStub
  beforeEach(async () => {
    stub = await startGeminiStub({ apiKey: 'g-key', language: 'de' })
  })
  afterEach(() => stub.close())

  it('sends inline base64 WAV and asks for JSON that follows the transcript schema', async () => {
    const engine = createGeminiEngine({ apiKey: 'g-key', baseUrl: stub.url })
    const t = await engine.transcribe(speechLike(1), { language: 'de', prompt: 'Namen: Voxlens' })
    const [req] = stub.requests
    expect(req.model).toBe('gemini-2.5-flash')
    expect(req.audio).toMatchObject({ mimeType: 'audio/wav', wav: { sampleRate: 16000, channels: 1, bitsPerSample: 16, seconds: 1 } })
    expect(req.generationConfig.responseMimeType).toBe('application/json')
    expect(req.generationConfig.responseSchema).toMatchObject({ type: 'OBJECT', required: ['text', 'language', 'segments'] })
    expect(req.prompt).toContain('"de"')
    expect(req.prompt).toContain('Namen: Voxlens')
    expect(t.language).toBe('de')
  })

  it('uses 5-minute chunks by default so base64 audio stays under the inline limit', async () => {
    const engine = createGeminiEngine({ apiKey: 'g-key', baseUrl: stub.url })
    await engine.transcribe(speechLike(301))
    expect(stub.requests.map((r) => Math.round(r.audio.wav.seconds))).toEqual([300, 1])
  })
})

describe('fromGeminiReply', () => {
  it('keeps model-made times inside the chunk and in order', () => {
    const t = fromGeminiReply(
      {
        text: '',
        language: 'English',
        segments: [
          { start: 0.5, end: 2, text: 'a b' },
          { start: 1, end: 9, text: 'c' },
          { start: 3, end: 4, text: ' ' }
        ]
      },
      {},
      3
    )
    expect(t.segments).toEqual([
      { id: 0, start: 0.5, end: 2, text: 'a b' },
      { id: 1, start: 2, end: 3, text: 'c' }
    ])
    expect(t.text).toBe('a b c')
    expect(t.language).toBe('en')
    expect(t.words.map((w) => [w.word, w.start, w.end])).toEqual([
      ['a', 0.5, 1.25],
      ['b', 1.25, 2],
      ['c', 2, 3]
    ])
  })
})
