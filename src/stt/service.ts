import { decodeAudio, decodeAudioFile, type DecodedAudio } from '../audio/index.js'
import { HttpError } from '../errors.js'
import type { SttEngine, TranscribeOptions, Transcript } from './types.js'

export interface EngineStatus {
  name: string
  default: boolean
  available: boolean
  reason?: string
}

export interface StageObserver {
  (stage: 'decode' | 'vad' | 'band-fill' | 'stt', engine: string, seconds: number): void
}

export interface TranscribeFileOptions extends TranscribeOptions {
  /** engine name; absent means the default engine, a name not configured here is a 400 */
  engine?: string
}

/** Every engine voxlens has, and what turns it on, for the message when a request names one this server lacks. */
const ENGINE_SETUP: Record<string, string> = {
  sphinx: 'install PocketSphinx, see README',
  whisper: 'set WHISPER_MODEL_PATH to a ggml model',
  groq: 'set GROQ_API_KEY',
  openai: 'set OPENAI_API_KEY or OPENAI_BASE_URL',
  gemini: 'set GEMINI_API_KEY'
}

/** OpenAI's own transcription models (whisper-1, gpt-4o-transcribe...): OpenAI clients send them unasked. */
export function isOpenAiModel(name: string): boolean {
  return /^whisper-|^gpt-4o.*transcribe/i.test(name)
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
export function createSpeechService(opts: { engines: SttEngine[]; defaultEngine: string; maxAudioSeconds: number; observe?: StageObserver }) {
  const byName = new Map(opts.engines.map((e) => [e.name, e]))
  if (!byName.has(opts.defaultEngine)) throw new Error(`Default STT engine "${opts.defaultEngine}" is not configured`)

  /** The engine a request names, or the default; a name this server cannot run is the caller's mistake (400). */
  function resolve(name?: string): SttEngine {
    if (!name) return byName.get(opts.defaultEngine)!
    const engine = byName.get(name)
    if (engine) return engine
    const available = `available engines are ${[...byName.keys()].join(', ')}; leave it out for the default (${opts.defaultEngine})`
    const setup = ENGINE_SETUP[name]
    if (setup) throw new HttpError(400, 'engine_not_configured', `The ${name} engine is not configured on this server (${setup}): ${available}.`)
    throw new HttpError(400, 'unknown_engine', `Unknown engine "${name}": ${available}.`)
  }

  async function status(): Promise<EngineStatus[]> {
    return Promise.all(
      opts.engines.map(async (e) => {
        const s = await e.available().catch((err: Error) => ({ ok: false, reason: err.message }))
        return { name: e.name, default: e.name === opts.defaultEngine, available: s.ok, ...(s.reason && { reason: s.reason }) }
      })
    )
  }

  /**
   * Decodes an upload to 16 kHz mono; throws AudioError (4xx) for anything that is not usable audio.
   * An upload saved to a file (`{ path }`) is read as it decodes instead of being held in memory.
   */
  async function decode(upload: Uint8Array | { path: string }, engineName?: string): Promise<DecodedAudio> {
    const t0 = performance.now()
    const limits = { maxSeconds: opts.maxAudioSeconds }
    const decoded = upload instanceof Uint8Array ? await decodeAudio(upload, limits) : await decodeAudioFile(upload.path, limits)
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
        observe: (stage, seconds) => opts.observe?.(stage, engine.name, seconds),
        onProgress: o.onProgress
      }
    )
    opts.observe?.('stt', engine.name, (performance.now() - t0) / 1000)
    return { transcript, engine: engine.name }
  }

  /**
   * `upload` may be a function that hands the bytes over once: a caller that holds the bytes itself
   * keeps them alive until the transcription ends, beside the decoded audio (55 MB more for a
   * 30-minute WAV), while bytes handed over are freed as soon as they are decoded. An upload saved
   * to a file (`{ path }`) never sits in memory at all.
   */
  async function transcribeFile(upload: Uint8Array | (() => Uint8Array) | { path: string }, o: TranscribeFileOptions = {}): Promise<TranscribedFile> {
    const engine = resolve(o.engine)
    // Refuse before decoding when the engine cannot run at all.
    const ready = await engine.available()
    if (!ready.ok) throw new HttpError(503, 'engine_unavailable', `The ${engine.name} engine is not available: ${ready.reason}`)
    const t0 = performance.now()
    const decoded = await decode(typeof upload === 'function' ? upload() : upload, engine.name)
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
