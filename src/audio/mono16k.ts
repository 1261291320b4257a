/**
 * Accumulates decoded blocks as 16 kHz mono with a hard length cap, so a file that decodes to more audio
 * than it claimed is stopped at the limit instead of filling memory.
 */
import { audioErrors } from './errors.js'
import { Resampler, downmix } from './resample.js'

export const TARGET_RATE = 16000

/**
 * Decoded audio lives in shared memory: the worker threads of later stages (diarization, emotion)
 * can then read the recording without each taking a full copy of it.
 */
function sharedSamples(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT))
}

const NO_SAMPLES: Float32Array = new Float32Array(0)

export class Mono16kWriter {
  // Allocated on the first write: a writer whose recording is decoded in a thread never needs one.
  private buffer = NO_SAMPLES
  private length = 0
  private resampler?: Resampler
  private sourceRate = 0
  private sourceChannels = 0
  private readonly maxSamples: number

  /** capacityHint: expected output samples (from the header), so the common case never reallocates. */
  constructor(
    private readonly maxSeconds: number,
    readonly capacityHint = 0
  ) {
    // A little slack: resampling and codec padding can add a few milliseconds beyond the true length.
    this.maxSamples = Math.ceil((maxSeconds + 0.05) * TARGET_RATE)
  }

  /** A block of decoded audio at its original rate, one array per channel. */
  write(channels: readonly Float32Array[], sampleRate: number): void {
    if (!channels.length || !channels[0].length) return
    if (this.sourceRate && sampleRate !== this.sourceRate) {
      throw new Error(`sample rate changed mid-stream (${this.sourceRate} -> ${sampleRate})`)
    }
    this.sourceRate = sampleRate
    this.sourceChannels = Math.max(this.sourceChannels, channels.length)
    const mono = downmix(channels)
    if (sampleRate === TARGET_RATE) return this.append(mono)
    this.resampler ??= new Resampler(sampleRate, TARGET_RATE)
    this.append(this.resampler.process(mono))
  }

  /** Samples already at 16 kHz mono (e.g. from ffmpeg). */
  append(samples: Float32Array): void {
    if (this.length + samples.length > this.maxSamples) {
      throw audioErrors.tooLong(this.maxSeconds, this.maxSeconds, true)
    }
    if (this.buffer === NO_SAMPLES) {
      const initial = Math.min(Math.max(this.capacityHint, TARGET_RATE), this.maxSamples)
      this.buffer = sharedSamples(Math.ceil(initial * 1.01) + 1024)
    }
    if (this.length + samples.length > this.buffer.length) {
      const grown = sharedSamples(Math.min(this.maxSamples, Math.max(this.length + samples.length, Math.ceil(this.buffer.length * 1.5))))
      grown.set(this.buffer.subarray(0, this.length))
      this.buffer = grown
    }
    this.buffer.set(samples, this.length)
    this.length += samples.length
  }

  get samplesWritten(): number {
    return this.length
  }

  /** Rate and width of what write() received; undefined when only 16 kHz samples were appended. */
  get source(): { sampleRate: number; channels: number } | undefined {
    return this.sourceRate ? { sampleRate: this.sourceRate, channels: this.sourceChannels } : undefined
  }

  /** Takes over samples another writer finished (in a decoder thread), replacing anything written so far. */
  adopt(samples: Float32Array, source?: { sampleRate: number; channels: number }): void {
    if (samples.length > this.maxSamples) throw audioErrors.tooLong(this.maxSeconds, this.maxSeconds, true)
    this.buffer = samples
    this.length = samples.length
    this.resampler = undefined
    this.sourceRate = source?.sampleRate ?? 0
    this.sourceChannels = source?.channels ?? 0
  }

  reset(): void {
    this.length = 0
    this.resampler = undefined
    this.sourceRate = 0
    this.sourceChannels = 0
  }

  /** The finished signal; trims the buffer only when the spare capacity is worth a copy. */
  finish(): Float32Array {
    if (this.resampler) this.append(this.resampler.flush())
    const out = this.buffer.subarray(0, this.length)
    if (this.buffer.length - this.length <= Math.max(16_384, this.length * 0.1)) return out
    const trimmed = sharedSamples(this.length)
    trimmed.set(out)
    return trimmed
  }
}
