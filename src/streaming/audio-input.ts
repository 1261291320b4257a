import { Resampler } from '../audio/resample.js'
import { StreamError } from './errors.js'

/** What a client sends: raw PCM16 little-endian mono, or G.711 μ-law at 8 kHz as telephony bridges do. */
export type AudioFormat = { encoding: 'pcm16'; sampleRate: 8000 | 16000 | 24000 | 48000 } | { encoding: 'mulaw'; sampleRate: 8000 }

export const PCM_RATES = [8000, 16000, 24000, 48000] as const

/** Checks a format a client asked for; the message lists what would work. */
export function audioFormat(encoding: string, sampleRate: number): AudioFormat {
  if (encoding === 'mulaw') {
    if (sampleRate !== 8000) throw new StreamError('unsupported_format', `μ-law audio must be 8000 Hz, not ${sampleRate} Hz.`)
    return { encoding, sampleRate }
  }
  if (encoding !== 'pcm16') throw new StreamError('unsupported_format', `Unsupported audio encoding "${encoding}": send pcm16 (16-bit little-endian) or mulaw.`)
  if (!(PCM_RATES as readonly number[]).includes(sampleRate)) {
    throw new StreamError('unsupported_format', `Unsupported sample rate ${sampleRate} Hz: PCM16 audio must be ${PCM_RATES.join(', ')} Hz.`)
  }
  return { encoding, sampleRate: sampleRate as 8000 | 16000 | 24000 | 48000 }
}

export const bytesPerSecond = (format: AudioFormat) => format.sampleRate * (format.encoding === 'pcm16' ? 2 : 1)

/** G.711 μ-law byte to a linear sample in [-1, 1]. */
const MULAW = (() => {
  const table = new Float32Array(256)
  for (let i = 0; i < 256; i++) {
    const u = ~i & 0xff
    const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)) - 0x84
    table[i] = ((u & 0x80 ? -magnitude : magnitude) / 32768) as number
  }
  return table
})()

/** Turns a client's bytes into 16 kHz float samples, keeping the resampler's state across chunks. */
export class AudioInput {
  private readonly resampler: Resampler | undefined

  constructor(readonly format: AudioFormat) {
    this.resampler = format.sampleRate === 16000 ? undefined : new Resampler(format.sampleRate, 16000)
  }

  /** Throws StreamError('odd_length') for PCM16 that does not hold whole samples; nothing is consumed then. */
  push(bytes: Uint8Array): Float32Array {
    let samples: Float32Array
    if (this.format.encoding === 'mulaw') {
      samples = new Float32Array(bytes.length)
      for (let i = 0; i < bytes.length; i++) samples[i] = MULAW[bytes[i]]
    } else {
      if (bytes.length % 2 !== 0) {
        throw new StreamError('odd_length', `PCM16 audio comes in whole 2-byte samples, but this chunk has ${bytes.length} bytes: the chunk was dropped.`)
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      samples = new Float32Array(bytes.length / 2)
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768
    }
    return this.resampler ? this.resampler.process(samples) : samples
  }

  /** The resampler's look-ahead tail, once the stream ends. */
  flush(): Float32Array {
    return this.resampler ? this.resampler.flush() : new Float32Array(0)
  }
}
