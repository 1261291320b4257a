import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { estimateBandwidth } from '../../audio/bandwidth.js'
import { HttpError } from '../../errors.js'
import type { IncrementalSession, PartialWord, PcmAudio, StreamOptions, SttEngine, TranscribeOptions, Transcript } from '../types.js'
import { ChannelMean, cepstralMeans } from './cmn.js'
import {
  DEFAULT_DECODER_ARGS,
  DEFAULT_TELEPHONE_MLLR,
  INSTALL_HINT,
  STREAM_DECODER_ARGS,
  decoderArgs,
  loadAddon,
  missingModel,
  type ModelPaths
} from './native.js'
import { engineStopped, type PoolLogger } from '../../workers/pool.js'
import { DecoderPool } from './pool.js'
import { EarlyFinal, NO_GUESS, guessFinal, type FinalGuess } from './early-final.js'
import { findSpeech, type SpeechSpan, type VadOptions } from './segment.js'
import type { TelephoneBandFill } from './telephone.js'
import { toTranscript, type DecodedSpan } from './transcript.js'

export interface SphinxEngineOptions extends ModelPaths {
  /** decoder threads, each holding its own copy of the model (~90 MB with en-us); default: one per core */
  poolSize?: number
  /**
   * decoder threads for live streams, apart from the upload pool so uploads never hold streams back:
   * one per utterance being spoken at the same moment, each with its own copy of the model (~100 MB).
   * The first starts with the first stream and stays; each stream that opens starts one more loading,
   * up to this many, and while streams are live one more is kept loaded and free ahead of their
   * utterances (so a new utterance never waits for a model once the pool has started); threads above
   * the first end after STREAM_DECODER_IDLE_MS without work. Default 8.
   */
  streamDecoders?: number
  /**
   * Stream decoder threads loaded with the first stream and kept loaded while idle (default 1). Streams
   * that start speaking all at once otherwise wait for models loading side by side (~1 s of CPU each).
   */
  streamDecodersKept?: number
  /** extra PocketSphinx arguments, e.g. ['-beam', '1e-60'] */
  decoderArgs?: string[]
  vad?: VadOptions
  /**
   * MLLR transform (sphinxtrain's mllr_solve output) for narrowband input: audio whose energy ends near
   * 4 kHz, as from a phone line, is decoded with the model adapted by it. Default: the transform this
   * repository ships, when present; false decodes every input with the model as trained.
   */
  telephoneMllr?: string | false
  /**
   * When given, narrowband uploads (not live streams) have their empty band above 4 kHz filled (see
   * band-fill.ts) and are decoded with its `mllr`, fitted on filled audio, instead of telephoneMllr. Off by
   * default: it won on the dev set's real phone clips but not on held-out ones (models/telephone/README.md).
   */
  telephoneBandFill?: TelephoneBandFill
  logger?: PoolLogger
}

const SAMPLE_RATE = 16000
export const DEFAULT_STREAM_DECODERS = 8
// A stream decoder thread stays this long after its last utterance: long enough to cover the pauses of
// a conversation, short enough that a quiet server gives the memory back within a minute.
const STREAM_DECODER_IDLE_MS = 60_000

/** Errors carry an HTTP status and a stable code so the API can render them. */
function engineError(message: string, code: string, statusCode: number): Error {
  return new HttpError(statusCode, code, message)
}

function checkLanguage(language: string | undefined): void {
  if (language && !/^en(\b|[-_])/i.test(language)) {
    throw engineError(`The sphinx engine recognises English only, not "${language}"`, 'language_unsupported', 400)
  }
}

/** Offline English speech recognition with PocketSphinx, decoded on worker threads. */
export function createSphinxEngine(opts: SphinxEngineOptions = {}): SttEngine {
  const poolSize = Math.max(1, opts.poolSize ?? availableParallelism())
  const telephoneMllr = opts.telephoneMllr ?? (existsSync(DEFAULT_TELEPHONE_MLLR) ? DEFAULT_TELEPHONE_MLLR : false)
  const bandFill = opts.telephoneBandFill
  const streamDecoders = Math.max(1, opts.streamDecoders ?? DEFAULT_STREAM_DECODERS)
  let pool: DecoderPool | undefined
  let streamPool: DecoderPool | undefined
  // What each live stream has taught about its channel, kept as long as the stream's key object lives.
  const channels = new WeakMap<object, ChannelMean>()
  let startError: Error | undefined
  let closed = false

  async function check(): Promise<{ ok: boolean; reason?: string }> {
    const { addon, error } = loadAddon()
    if (!addon) return { ok: false, reason: `${INSTALL_HINT} (${error?.message.split('\n')[0] ?? 'addon missing'})` }
    const missing = missingModel(opts)
    if (missing) return { ok: false, reason: `${INSTALL_HINT} (${missing})` }
    if (telephoneMllr && !existsSync(telephoneMllr)) {
      return { ok: false, reason: `the telephone MLLR transform ${telephoneMllr} is missing (npm run models:telephone builds it)` }
    }
    if (bandFill && !existsSync(bandFill.mllr)) {
      return { ok: false, reason: `the band-filled telephone MLLR transform ${bandFill.mllr} is missing (npm run models:telephone builds it)` }
    }
    if (startError) return { ok: false, reason: `PocketSphinx could not load its model: ${startError.message}` }
    return { ok: true }
  }

  const workerConfig = (own: string[] = []) => ({ args: decoderArgs(opts, [...DEFAULT_DECODER_ARGS, ...own, ...(opts.decoderArgs ?? [])]) })

  /** Starts the workers on first use; a server without PocketSphinx still boots. */
  async function ready(): Promise<DecoderPool> {
    // A request that arrives while the server shuts down must not start a new pool nobody closes.
    if (closed) throw engineStopped('sphinx speech engine')
    const status = await check()
    if (!status.ok) throw engineError(status.reason ?? 'sphinx engine unavailable', 'engine_unavailable', 503)
    pool ??= new DecoderPool(poolSize, workerConfig(), opts.logger)
    try {
      await pool.ready
    } catch (err) {
      startError = err as Error
      const failed = pool
      pool = undefined
      await failed.close()
      throw engineError(`PocketSphinx could not load its model: ${startError.message}`, 'engine_unavailable', 503)
    }
    return pool
  }

  /** The stream pool starts with the first stream, with one thread that loads the model at once. */
  async function streamDecoderPool(): Promise<DecoderPool> {
    if (closed) throw engineStopped('sphinx speech engine')
    const status = await check()
    if (!status.ok) throw engineError(status.reason ?? 'sphinx engine unavailable', 'engine_unavailable', 503)
    streamPool ??= new DecoderPool(streamDecoders, workerConfig(STREAM_DECODER_ARGS), opts.logger, {
      idleMs: STREAM_DECODER_IDLE_MS,
      keep: opts.streamDecodersKept
    })
    return streamPool
  }

  /**
   * Decodes `spans` of `samples` on the upload threads, each normalised by its cepstral means (see
   * cmn.ts). Cepstra of every span are cheap (thousands of times real time) and give every span the
   * same view of the channel, whichever thread decodes it. Taken span by span, no thread ever converts
   * the whole recording at once (a 30-minute call would be 58 MB more per thread).
   */
  async function decodeSpans(
    decoders: DecoderPool,
    samples: Float32Array,
    spans: SpeechSpan[],
    mllr: string | undefined,
    options: Pick<TranscribeOptions, 'signal' | 'onProgress'> = {}
  ): Promise<DecodedSpan[]> {
    const cepstra = await spanCepstra(decoders, samples, spans, options.signal)
    return decodeSpansWith(decoders, samples, spans, cepstralMeans(cepstra), mllr, options)
  }

  function spanCepstra(decoders: DecoderPool, samples: Float32Array, spans: SpeechSpan[], signal?: AbortSignal): Promise<Float32Array[]> {
    return Promise.all(spans.map((s) => decoders.cepstra(samples.subarray(s.start, s.end), signal)))
  }

  function decodeSpansWith(
    decoders: DecoderPool,
    samples: Float32Array,
    spans: SpeechSpan[],
    means: Float32Array[],
    mllr: string | undefined,
    options: Pick<TranscribeOptions, 'signal' | 'onProgress'> = {}
  ): Promise<DecodedSpan[]> {
    // Progress is the share of speech decoded: silence costs the decoder nothing.
    const speech = spans.reduce((sum, s) => sum + s.end - s.start, 0)
    let done = 0
    return Promise.all(
      spans.map(async (span, i) => {
        const result = await decoders.decode(samples.subarray(span.start, span.end), options.signal, means[i], mllr)
        done += span.end - span.start
        options.onProgress?.(done / speech)
        return { offset: span.start / SAMPLE_RATE, result }
      })
    )
  }

  return {
    name: 'sphinx',
    available: check,
    // Only the upload threads load here: a stream decoder is ~100 MB that a server nobody streams to,
    // or a worker process, should not carry. The first stream waits once for its thread's model.
    async warm() {
      await ready()
    },

    async transcribe(audio: PcmAudio, options: TranscribeOptions = {}): Promise<Transcript> {
      checkLanguage(options.language)
      if (audio.sampleRate !== SAMPLE_RATE) throw engineError('sphinx expects 16 kHz audio', 'bad_audio', 400)
      const decoders = await ready()
      // The telephone model is chosen per recording: one call has one channel. With a band fill, a phone-line
      // upload is filled on an upload thread (CPU work kept off the event loop) and decoded with the transform
      // fitted on filled audio; streams are never filled and keep telephoneMllr.
      const fill = options.bandFill === false ? undefined : bandFill
      const narrowband = (telephoneMllr || fill) && estimateBandwidth(audio.samples, SAMPLE_RATE).narrowband
      let samples = audio.samples
      if (narrowband && fill) {
        const fillStart = performance.now()
        // No abort signal: cancelling a running task ends its thread, and the upload thread's model with it.
        // The fill is cheap next to the decode (about 0.4 s per minute of audio), so it runs to its end.
        samples = await decoders.fillBand(audio.samples, fill.envelope)
        options.signal?.throwIfAborted()
        options.observe?.('band-fill', (performance.now() - fillStart) / 1000)
      }
      const mllr = !narrowband ? undefined : fill ? fill.mllr : telephoneMllr || undefined
      // Utterances decode in parallel across the pool; decoded audio is shared memory, so the
      // threads read their spans of it without a copy.
      const vadStart = performance.now()
      const spans = findSpeech(samples, { ...opts.vad, sampleRate: SAMPLE_RATE })
      options.observe?.('vad', (performance.now() - vadStart) / 1000)
      const decoded = await decodeSpans(decoders, samples, spans, mllr, options)
      options.signal?.throwIfAborted()
      return toTranscript(decoded, samples.length / SAMPLE_RATE, options.wordTimestamps !== false)
    },

    stream(options: StreamOptions = {}): IncrementalSession {
      checkLanguage(options.language)
      const listeners: Array<(text: string, words: PartialWord[]) => void> = []
      let samplesWritten = 0
      const channel = options.channel && (channels.get(options.channel) ?? new ChannelMean())
      if (options.channel && channel) channels.set(options.channel, channel)
      // Until the stream's channel is known the live decoder starts from the model's mean, and the final is
      // the utterance decoded again whole by its own mean. From then on the live result is the final, unless
      // the utterance sounds far from the channel (another voice: see farFromChannel), which is decoded
      // again whole too. Both are decided, and the whole decode run, on a free upload thread from the
      // utterance's first pause (see guessFinal); else on the stream's own thread once it ends. The stream
      // thread, which hears the utterance to its end, has the last word on whether the voice is far: the
      // speech heard to a pause sits on the other side of the threshold now and then, and a final must not
      // depend on when the client paused.
      const cmn = channel?.mean
      const mllr = options.narrowband && telephoneMllr ? telephoneMllr : undefined
      // No abort signal for a guess: cancelling a running decode ends its thread, and an upload thread's model.
      const early = options.partialsOnly
        ? undefined
        : new EarlyFinal(
            async (samples) => guessFinal(await ready(), samples, cmn, mllr),
            () => pool === undefined || pool.threads.idle > 0
          )
      // Queued once the kept thread has its model, so a stream starting with the server waits for that
      // thread instead of starting another that loads a second copy meanwhile.
      const lease = streamDecoderPool().then(async (decoders) => {
        await decoders.ready
        return decoders.lease((text, words) => listeners.forEach((cb) => cb(text, words)), { cmn, mllr })
      })
      // A failure surfaces from end(); until then writes are dropped.
      lease.catch(() => undefined)
      const abort = () => {
        void early?.end().catch(() => undefined)
        void lease.then(
          (l) => l.release(),
          () => undefined
        )
      }
      options.signal?.addEventListener('abort', abort, { once: true })
      return {
        write(chunk) {
          samplesWritten += chunk.length
          const copy = chunk.slice()
          early?.write(chunk.slice())
          void lease.then(
            (l) => l.write(copy),
            () => undefined
          )
        },
        onPartial(cb) {
          listeners.push(cb)
        },
        async end() {
          options.signal?.removeEventListener('abort', abort)
          const guess: FinalGuess = early
            ? await early.end().catch((err: unknown) => {
                opts.logger?.warn({ err }, "sphinx: the early decision on an utterance's final failed; its stream thread decides")
                return NO_GUESS
              })
            : NO_GUESS
          // Speech heard near the channel at a pause leaves the stream thread the same choice as no guess:
          // the live result, unless the whole utterance sounds far, then decoded whole there.
          const result = await (await lease).end(guess.kind === 'whole' ? 'live' : cmn ? 'live-unless-new-voice' : 'whole')
          if (!result) throw new DOMException('The stream was aborted before its final.', 'AbortError')
          channel?.add(result.speech)
          const final = guess.kind === 'whole' && (!cmn || result.newVoice) ? guess.decoded : result.decoded
          return toTranscript(final, samplesWritten / SAMPLE_RATE, options.wordTimestamps !== false)
        },
        abort
      }
    },

    // Each open stream starts a decoder thread loading (see DecoderPool.reserve) before it speaks.
    reserveStream() {
      let release: (() => void) | undefined
      let done = false
      streamDecoderPool().then(
        (decoders) => {
          if (!done) release = decoders.reserve()
        },
        () => undefined
      )
      return () => {
        done = true
        release?.()
      }
    },

    async close() {
      closed = true
      const pools = [pool, streamPool]
      pool = undefined
      streamPool = undefined
      await Promise.all(pools.map((p) => p?.close()))
    }
  }
}
