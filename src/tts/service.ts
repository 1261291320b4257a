import { createHash } from 'node:crypto'
import { HttpError, badRequest } from '../errors.js'
import { AttemptTimeoutError, withTimeout } from '../retry.js'
import type { BlobStore } from '../storage/types.js'
import { CONTENT_TYPES, encodeSpeech } from './encode.js'
import { ttsTimeout } from './errors.js'
import { isOpenAiSpeechModel, resolveVoice } from './voices.js'
import { SPEECH_FORMATS, type SpeechFormat, type TtsEngine } from './types.js'

export const MAX_INPUT_CHARS = 4096
export const MIN_SPEED = 0.25
export const MAX_SPEED = 4

export interface SynthesizeOptions {
  text: string
  /** an engine name, or an OpenAI model name (tts-1, gpt-4o-mini-tts) meaning the default engine */
  engine?: string
  /** the engine's own voice or an OpenAI voice name (see voices.ts) */
  voice?: string
  /** 0.25 - 4, default 1 */
  speed?: number
  format: SpeechFormat
  /** style hints, used by engines that take them (openai, gemini) */
  instructions?: string
  signal?: AbortSignal
}

export interface Speech {
  audio: Buffer
  contentType: string
  /** seconds */
  duration: number
  format: SpeechFormat
  engine: string
  voice: string
  /** true when the same request had been synthesised before and the stored file was served */
  cached: boolean
}

export interface StoredSpeech {
  /** the blob-store key of the audio file */
  key: string
  /** `/audio/<id>.<ext>` on this server (absolute when an origin was given), or a presigned URL with S3 */
  url: string
  format: SpeechFormat
  contentType: string
  duration: number
  engine: string
  voice: string
  cached: boolean
}

export interface TtsEngineStatus {
  name: string
  kind: 'offline' | 'cloud'
  default: boolean
  available: boolean
  reason?: string
  voices: string[]
  defaultVoice: string
}

export interface SpeechCache {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
}

export interface TtsServiceOptions {
  engines: TtsEngine[]
  defaultEngine: string
  /** the default engine's voice when a request names none */
  defaultVoice?: string
  cache: SpeechCache
  storage: BlobStore
  timeoutMs: number
  /** how long the cache remembers a stored reply; 0 turns reuse off */
  cacheTtlSeconds: number
  onCache?: (outcome: 'hit' | 'miss', engine: string) => void
  onSynthesized?: (engine: string, seconds: number) => void
  /** a stored file could not be written or read back; the request itself still succeeds */
  onStoreError?: (err: unknown) => void
}

/** Stored replies are named by the hash of what made them, so they can be found again. */
const FILE = /^([a-f0-9]{32})\.(mp3|opus|aac|flac|wav|pcm)$/
export const speechKey = (id: string, format: SpeechFormat) => `tts/${id}.${format}`

/** The blob key behind `/audio/<file>`, or null for a name that is not one of ours. */
export function speechKeyOfFile(file: string): { key: string; format: SpeechFormat } | null {
  const match = FILE.exec(file)
  return match ? { key: speechKey(match[1], match[2] as SpeechFormat), format: match[2] as SpeechFormat } : null
}

interface Resolved {
  engine: TtsEngine
  voice: string
  speed: number
  text: string
  format: SpeechFormat
  instructions?: string
  id: string
}

interface CachedEntry {
  duration: number
}

interface Made {
  audio: Buffer
  duration: number
  /** why the file could not be kept, when it could not */
  storeError?: unknown
}

interface Flight {
  promise: Promise<Made>
  controller: AbortController
  /** callers still waiting for it; the last one to leave stops the work */
  waiting: number
}

/** Text to speech over every configured engine, with one stored file per distinct request. Free of Fastify. */
export function createTtsService(opts: TtsServiceOptions) {
  const byName = new Map(opts.engines.map((e) => [e.name, e]))
  if (!byName.has(opts.defaultEngine)) throw new Error(`Default TTS engine "${opts.defaultEngine}" is not configured`)
  const inFlight = new Map<string, Flight>()

  function resolve(o: SynthesizeOptions): Resolved {
    const name = !o.engine || isOpenAiSpeechModel(o.engine) ? opts.defaultEngine : o.engine
    const engine = byName.get(name)
    if (!engine) {
      throw badRequest(
        `Unknown speech model "${o.engine}": use one of ${[...byName.keys()].join(', ')}, or an OpenAI model name (tts-1, tts-1-hd, gpt-4o-mini-tts) for the default (${opts.defaultEngine}).`,
        'unknown_model'
      )
    }
    const text = o.text.trim()
    if (!text) throw badRequest('Nothing to say: the text is empty.', 'empty_input')
    if (o.text.length > MAX_INPUT_CHARS) throw badRequest(`The text is ${o.text.length} characters long; the limit is ${MAX_INPUT_CHARS}.`, 'input_too_long')
    const speed = o.speed ?? 1
    if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) throw badRequest(`speed must be between ${MIN_SPEED} and ${MAX_SPEED}, got ${speed}.`, 'invalid_speed')
    if (!SPEECH_FORMATS.includes(o.format)) throw badRequest(`Unknown format "${o.format}": use one of ${SPEECH_FORMATS.join(', ')}.`, 'unknown_format')
    const voice = resolveVoice(engine, o.voice, engine.name === opts.defaultEngine ? opts.defaultVoice : undefined)
    const instructions = o.instructions?.trim() || undefined
    const id = createHash('sha256')
      .update(JSON.stringify(['v1', engine.name, voice, speed, o.format, instructions ?? '', text]))
      .digest('hex')
      .slice(0, 32)
    return { engine, voice, speed, text, format: o.format, instructions, id }
  }

  async function synthesizeFresh(r: Resolved, signal?: AbortSignal): Promise<{ audio: Buffer; duration: number }> {
    const available = await r.engine.available()
    if (!available.ok) throw new HttpError(503, 'tts_unavailable', available.reason)
    const started = performance.now()
    try {
      const encoded = await withTimeout(opts.timeoutMs, signal, async (s) => {
        const raw = await r.engine.synthesize({ text: r.text, voice: r.voice, speed: r.speed, instructions: r.instructions, signal: s })
        return encodeSpeech(raw, r.format, r.speed, s)
      })
      opts.onSynthesized?.(r.engine.name, (performance.now() - started) / 1000)
      return encoded
    } catch (err) {
      if (err instanceof AttemptTimeoutError) throw ttsTimeout(r.engine.name, opts.timeoutMs / 1000)
      if (signal?.aborted) throw signal.reason
      throw err instanceof HttpError ? err : new HttpError(502, 'tts_failed', `Speech synthesis with ${r.engine.name} failed: ${(err as Error).message}`)
    }
  }

  async function remembered(r: Resolved): Promise<CachedEntry | null> {
    if (opts.cacheTtlSeconds === 0) return null
    const value = await opts.cache.get(`tts:${r.id}`)
    return value ? (JSON.parse(value) as CachedEntry) : null
  }

  /**
   * Makes the audio once per distinct request; concurrent identical requests share one synthesis. The
   * shared work has its own signal, aborted only when every caller waiting for it has gone: identical
   * replies are common (the practice partner's templates), and one learner hanging up must not fail another.
   */
  function make(r: Resolved, signal?: AbortSignal): Promise<Made> {
    signal?.throwIfAborted()
    let flight = inFlight.get(r.id)
    if (!flight) {
      const controller = new AbortController()
      const promise = (async (): Promise<Made> => {
        const made = await synthesizeFresh(r, controller.signal)
        try {
          await opts.storage.put(speechKey(r.id, r.format), made.audio, { contentType: CONTENT_TYPES[r.format] })
          if (opts.cacheTtlSeconds > 0) await opts.cache.set(`tts:${r.id}`, JSON.stringify({ duration: made.duration }), opts.cacheTtlSeconds)
          return made
        } catch (err) {
          return { ...made, storeError: err }
        }
      })().finally(() => forget(r.id, flight!))
      flight = { promise, controller, waiting: 0 }
      inFlight.set(r.id, flight)
    }
    return wait(r.id, flight, signal)
  }

  // A flight being stopped is forgotten at once, so a caller arriving meanwhile starts afresh.
  const forget = (id: string, flight: Flight) => inFlight.get(id) === flight && inFlight.delete(id)

  function wait(id: string, flight: Flight, signal?: AbortSignal): Promise<Made> {
    flight.waiting++
    if (!signal) return flight.promise
    return new Promise<Made>((resolve, reject) => {
      const leave = () => {
        if (--flight.waiting === 0) {
          forget(id, flight)
          flight.controller.abort(signal.reason)
        }
        reject(signal.reason)
      }
      signal.addEventListener('abort', leave, { once: true })
      flight.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave))
    })
  }

  const describe = (r: Resolved, duration: number, cached: boolean) => ({
    format: r.format,
    contentType: CONTENT_TYPES[r.format],
    duration,
    engine: r.engine.name,
    voice: r.voice,
    cached
  })

  return {
    defaultEngine: opts.defaultEngine,

    async synthesize(o: SynthesizeOptions): Promise<Speech> {
      const r = resolve(o)
      const hit = await remembered(r)
      if (hit) {
        const audio = await opts.storage.get(speechKey(r.id, r.format)).catch(() => null)
        if (audio) {
          opts.onCache?.('hit', r.engine.name)
          return { audio, ...describe(r, hit.duration, true) }
        }
      }
      opts.onCache?.('miss', r.engine.name)
      const made = await make(r, o.signal)
      // The caller gets its audio either way; only reuse is lost.
      if (made.storeError) opts.onStoreError?.(made.storeError)
      return { audio: made.audio, ...describe(r, made.duration, false) }
    },

    async speakToStorage(o: SynthesizeOptions & { origin?: string }): Promise<StoredSpeech> {
      const r = resolve(o)
      const key = speechKey(r.id, r.format)
      const hit = await remembered(r)
      let result: ReturnType<typeof describe>
      if (hit && (await opts.storage.exists(key).catch(() => false))) {
        opts.onCache?.('hit', r.engine.name)
        result = describe(r, hit.duration, true)
      } else {
        opts.onCache?.('miss', r.engine.name)
        const made = await make(r, o.signal)
        // A URL to a file that was never written would fail later, in the learner's player: fail here instead.
        if (made.storeError) throw made.storeError
        result = describe(r, made.duration, false)
      }
      const url = (await opts.storage.url(key)) ?? `${o.origin?.replace(/\/$/, '') ?? ''}/audio/${r.id}.${r.format}`
      return { key, url, ...result }
    },

    async engines(): Promise<TtsEngineStatus[]> {
      return Promise.all(
        opts.engines.map(async (e) => {
          const a = await e.available()
          return {
            name: e.name,
            kind: e.kind,
            default: e.name === opts.defaultEngine,
            available: a.ok,
            ...(!a.ok && { reason: a.reason }),
            voices: [...e.voices],
            defaultVoice: e.name === opts.defaultEngine && opts.defaultVoice ? opts.defaultVoice : e.defaultVoice
          }
        })
      )
    },

    /**
     * Gets every engine ready: offline engines speak a word (their program and voice data are then in the
     * page cache), cloud engines only check they are configured, so warming costs nothing at the vendor.
     */
    async warm(signal?: AbortSignal): Promise<Record<string, 'loaded' | 'unavailable'>> {
      const states = await Promise.all(
        opts.engines.map(async (e): Promise<[string, 'loaded' | 'unavailable']> => {
          if (!(await e.available()).ok) return [e.name, 'unavailable']
          if (e.kind === 'cloud') return [e.name, 'loaded']
          try {
            await withTimeout(opts.timeoutMs, signal, async (s) => {
              const raw = await e.synthesize({ text: 'Ready.', voice: e.defaultVoice, speed: 1, signal: s })
              await encodeSpeech(raw, 'mp3', 1, s)
            })
            return [e.name, 'loaded']
          } catch {
            if (signal?.aborted) throw signal.reason
            return [e.name, 'unavailable']
          }
        })
      )
      return Object.fromEntries(states)
    },

    async close(): Promise<void> {
      await Promise.all(opts.engines.map((e) => e.close()))
    }
  }
}

export type TtsService = ReturnType<typeof createTtsService>
