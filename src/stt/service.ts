import { decodeAudio, type DecodedAudio } from '../audio/index.js'
import { HttpError } from '../errors.js'
import type { SttEngine, TranscribeOptions, Transcript } from './types.js'

export interface EngineStatus {
  name: string
  default: boolean
  available: boolean
  reason?: string
}

export interface StageObserver {
  (stage: 'decode' | 'vad' | 'stt', engine: string, seconds: number): void
}

export interface TranscribeFileOptions extends TranscribeOptions {
  /** engine name; unknown names and OpenAI model names (whisper-1) mean the default engine */
  engine?: string
}

export interface TranscribedFile {
  transcript: Transcript
  engine: string
  audio: DecodedAudio['info']
  /** milliseconds per stage */
  timings: { decode: number; stt: number }
}

/**
 * Speech to text over every configured engine: picks the engine, decodes the upload to 16 kHz mono,
 * transcribes and times each stage. Free of Fastify so the pipeline and workers can use it too.
 */
export function createSpeechService(opts: {
  engines: SttEngine[]
  defaultEngine: string
  maxAudioSeconds: number
  observe?: StageObserver
}) {
  const byName = new Map(opts.engines.map((e) => [e.name, e]))
  if (!byName.has(opts.defaultEngine)) throw new Error(`Default STT engine "${opts.defaultEngine}" is not configured`)

  function resolve(name?: string): SttEngine {
    return (name && byName.get(name)) || byName.get(opts.defaultEngine)!
  }

  async function status(): Promise<EngineStatus[]> {
    return Promise.all(
      opts.engines.map(async (e) => {
        const s = await e.available().catch((err: Error) => ({ ok: false, reason: err.message }))
        return { name: e.name, default: e.name === opts.defaultEngine, available: s.ok, ...(s.reason && { reason: s.reason }) }
      })
    )
  }

  /** Decodes an upload to 16 kHz mono; throws AudioError (4xx) for anything that is not usable audio. */
  async function decode(bytes: Uint8Array, engineName?: string): Promise<DecodedAudio> {
    const t0 = performance.now()
    const decoded = await decodeAudio(bytes, { maxSeconds: opts.maxAudioSeconds })
    opts.observe?.('decode', resolve(engineName).name, (performance.now() - t0) / 1000)
    return decoded
  }

  async function transcribe(audio: DecodedAudio, o: TranscribeFileOptions = {}): Promise<{ transcript: Transcript; engine: string }> {
    const engine = resolve(o.engine)
    const ready = await engine.available()
    if (!ready.ok) throw new HttpError(503, 'engine_unavailable', `The ${engine.name} engine is not available: ${ready.reason}`)
    const t0 = performance.now()
    const transcript = await engine.transcribe(
      { samples: audio.samples, sampleRate: 16000 },
      {
        language: o.language,
        prompt: o.prompt,
        wordTimestamps: o.wordTimestamps,
        signal: o.signal,
        observe: (stage, seconds) => opts.observe?.(stage, engine.name, seconds)
      }
    )
    opts.observe?.('stt', engine.name, (performance.now() - t0) / 1000)
    return { transcript, engine: engine.name }
  }

  async function transcribeFile(bytes: Uint8Array, o: TranscribeFileOptions = {}): Promise<TranscribedFile> {
    const engine = resolve(o.engine)
    // Refuse before decoding when the engine cannot run at all.
    const ready = await engine.available()
    if (!ready.ok) throw new HttpError(503, 'engine_unavailable', `The ${engine.name} engine is not available: ${ready.reason}`)
    const t0 = performance.now()
    const decoded = await decode(bytes, engine.name)
    const t1 = performance.now()
    const { transcript } = await transcribe(decoded, o)
    const t2 = performance.now()
    return { transcript, engine: engine.name, audio: decoded.info, timings: { decode: Math.round(t1 - t0), stt: Math.round(t2 - t1) } }
  }

  return {
    defaultEngine: opts.defaultEngine,
    names: () => [...byName.keys()],
    resolve,
    status,
    decode,
    transcribe,
    transcribeFile,
    async warm() {
      await Promise.all(opts.engines.map(async (e) => ((await e.available()).ok ? e.warm?.() : undefined)))
    },
    async close() {
      await Promise.all(opts.engines.map((e) => e.close()))
    }
  }
}

export type SpeechService = ReturnType<typeof createSpeechService>
