import type { PcmAudio, SttEngine, TranscribeOptions, Transcript } from '../types.js'
import { classifyError, retry, withTimeout, type RetryDecision, type RetryOptions } from '../../retry.js'
import { encodeWav } from '../wav.js'
import { splitForUpload } from './chunks.js'
import { SttError, toSttError } from './errors.js'
import { joinChunks, type ChunkResult } from './transcript.js'

/** Options every cloud engine shares. */
export interface CloudEngineOptions {
  /** per-request deadline (default 120 s); a timed-out request counts as one failed attempt */
  timeoutMs?: number
  /** backoff policy for 429/5xx/network errors (default 3 attempts, 0.5 s doubling, 2 min budget) */
  retry?: Omit<RetryOptions, 'signal' | 'classify'>
  /** longest audio sent in one request (default 600 s: ~19 MB of WAV, under the 25 MB upload limits) */
  maxChunkSeconds?: number
}

/** What differs between vendors: how one chunk is sent and read back. */
export interface CloudVendor {
  name: string
  /** the variable that holds the key, named in auth errors */
  keyVariable: string
  /** why the engine cannot run (e.g. no key), or undefined when it can */
  problem(): string | undefined
  /** transcribes one WAV chunk; times in the result are relative to the chunk */
  transcribeChunk(wav: Buffer, opts: TranscribeOptions, signal: AbortSignal): Promise<Transcript>
  /** vendor-specific retry hints (e.g. Gemini's RetryInfo); defaults to status codes and Retry-After */
  classify?: (err: unknown) => RetryDecision
}

const SAMPLE_RATE = 16000

/**
 * Wraps a vendor in what all cloud engines do alike: long audio goes up in chunks (sequentially, to stay
 * inside per-key rate limits), each request gets its own deadline and our retry policy (SDK retries are
 * off so every vendor behaves the same), and failures become SttErrors that name the engine.
 */
export function createCloudEngine(vendor: CloudVendor, options: CloudEngineOptions = {}): SttEngine {
  const timeoutMs = options.timeoutMs ?? 120_000
  const maxSamples = Math.floor((options.maxChunkSeconds ?? 600) * SAMPLE_RATE)
  const classify = vendor.classify ?? classifyError

  async function transcribeChunk(wav: Buffer, opts: TranscribeOptions): Promise<Transcript> {
    let attempts = 0
    try {
      return await retry(
        (attempt) => {
          attempts = attempt
          return withTimeout(timeoutMs, opts.signal, (signal) => vendor.transcribeChunk(wav, opts, signal))
        },
        { ...options.retry, signal: opts.signal, classify }
      )
    } catch (err) {
      // The caller gave up: report that, not whatever the SDK made of the cancelled request.
      if (opts.signal?.aborted) throw opts.signal.reason
      throw toSttError(err, { engine: vendor.name, keyVariable: vendor.keyVariable, attempts, retryAfterMs: classify(err).afterMs })
    }
  }

  return {
    name: vendor.name,

    async available() {
      const problem = vendor.problem()
      return problem ? { ok: false, reason: problem } : { ok: true }
    },

    async transcribe(audio: PcmAudio, opts: TranscribeOptions = {}): Promise<Transcript> {
      const problem = vendor.problem()
      if (problem) throw new SttError(vendor.name, 'engine_unavailable', problem)
      const duration = audio.samples.length / SAMPLE_RATE
      if (audio.samples.length === 0) return joinChunks([], 0, opts.language)

      const parts: ChunkResult[] = []
      for (const chunk of splitForUpload(audio.samples, maxSamples)) {
        opts.signal?.throwIfAborted()
        const transcript = await transcribeChunk(encodeWav(audio, chunk.start, chunk.end), opts)
        parts.push({ offset: chunk.start / SAMPLE_RATE, transcript })
        opts.onProgress?.(chunk.end / audio.samples.length)
      }
      return joinChunks(parts, duration, opts.language)
    },

    async close() {
      // HTTP clients hold no resources beyond keep-alive sockets, which close on their own.
    }
  }
}
