import type { PcmAudio } from './types.js'

const HEADER_BYTES = 44

/**
 * Encodes 16 kHz mono float32 samples as a 16-bit PCM WAV file, the one format every speech API accepts
 * without a decoder of its own. `start`/`end` are sample indices, so a chunk of a long recording can be
 * uploaded without copying the whole float array first.
 */
export function encodeWav(audio: PcmAudio, start = 0, end = audio.samples.length): Buffer {
  const from = Math.max(0, Math.min(start, audio.samples.length))
  const to = Math.max(from, Math.min(end, audio.samples.length))
  const count = to - from
  const dataBytes = count * 2
  const out = Buffer.alloc(HEADER_BYTES + dataBytes)

  writeHeader(out, dataBytes, audio.sampleRate)

  // Buffer.alloc never hands out a pooled slice, so the view is 2-byte aligned; every supported CPU is
  // little-endian, as WAV is.
  const pcm = new Int16Array(out.buffer, out.byteOffset + HEADER_BYTES, count)
  const { samples } = audio
  for (let i = 0; i < count; i++) {
    // Clamp first: float audio can overshoot [-1, 1] after resampling, and wrapping would click loudly.
    const s = Math.max(-1, Math.min(1, samples[from + i]))
    pcm[i] = Math.round(s < 0 ? s * 0x8000 : s * 0x7fff)
  }
  return out
}

/** 16-bit mono PCM bytes (little-endian, as WAV is) wrapped in a WAV header. */
export function pcm16Wav(pcm: Buffer, sampleRate: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES)
  writeHeader(header, pcm.length, sampleRate)
  return Buffer.concat([header, pcm])
}

/** The 44-byte header of a 16-bit mono PCM WAV holding `dataBytes` of samples. */
function writeHeader(out: Buffer, dataBytes: number, sampleRate: number): void {
  out.write('RIFF', 0, 'ascii')
  out.writeUInt32LE(36 + dataBytes, 4)
  out.write('WAVE', 8, 'ascii')
  out.write('fmt ', 12, 'ascii')
  out.writeUInt32LE(16, 16) // fmt chunk size
  out.writeUInt16LE(1, 20) // PCM
  out.writeUInt16LE(1, 22) // mono
  out.writeUInt32LE(sampleRate, 24)
  out.writeUInt32LE(sampleRate * 2, 28) // byte rate
  out.writeUInt16LE(2, 32) // block align
  out.writeUInt16LE(16, 34) // bits per sample
  out.write('data', 36, 'ascii')
  out.writeUInt32LE(dataBytes, 40)
}

/** Size in bytes of the WAV `encodeWav` makes for `sampleCount` samples. */
export function wavBytes(sampleCount: number): number {
  return HEADER_BYTES + sampleCount * 2
}
