/**
 * Tells telephone-band audio from wideband audio by where its energy ends. A phone call carries
 * 300-3400 Hz (8 kHz sampling), so once resampled to 16 kHz it has next to nothing above 4 kHz;
 * any wideband recording of speech, even a muffled one, keeps fricative energy up there. The
 * recogniser needs a model fitted to the band it hears, and the container's sample rate alone
 * misses phone audio that was saved as 16 or 44.1 kHz.
 */
import FFT from 'fft.js'

const FRAME = 512

export interface BandwidthEstimate {
  /** power above 4.2 kHz relative to power in 300-3400 Hz, in dB, over the loudest frames */
  highBandDb: number
  narrowband: boolean
}

/**
 * High band this far below the telephone band means the audio never had it: resampled 8 kHz
 * audio sits near -100 dB, the dullest real wideband clip measured (a 64 kbit/s LibriVox MP3) at -36 dB.
 */
export const NARROWBAND_THRESHOLD_DB = -55

/** Samples `frames` evenly spaced 32 ms frames and compares the bands over the loudest third. */
export function estimateBandwidth(samples: Float32Array, sampleRate: number, frames = 400): BandwidthEstimate {
  if (sampleRate <= 8000) return { highBandDb: -Infinity, narrowband: true }
  const fft = new FFT(FRAME)
  const window = Float32Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FRAME - 1)))
  const input = new Array<number>(FRAME)
  const out = fft.createComplexArray() as number[]
  const count = Math.min(frames, Math.floor(samples.length / FRAME))
  const step = count > 0 ? Math.floor(samples.length / count) : 0
  const binHz = sampleRate / FRAME
  const bin = (hz: number) => Math.min(FRAME / 2, Math.round(hz / binHz))
  const [tLo, tHi, hLo, hHi] = [bin(300), bin(3400), bin(4200), bin(Math.min(7000, sampleRate / 2 - 500))]
  const stats: Array<{ total: number; tel: number; high: number }> = []
  for (let f = 0; f < count; f++) {
    const start = f * step
    for (let i = 0; i < FRAME; i++) input[i] = samples[start + i] * window[i]
    fft.realTransform(out, input)
    let tel = 0
    let high = 0
    for (let k = tLo; k < tHi; k++) tel += out[2 * k] ** 2 + out[2 * k + 1] ** 2
    for (let k = hLo; k < hHi; k++) high += out[2 * k] ** 2 + out[2 * k + 1] ** 2
    stats.push({ total: tel + high, tel, high })
  }
  // Silence and hiss say nothing about the channel's band: only speech-loud frames count.
  stats.sort((a, b) => b.total - a.total)
  const loud = stats.slice(0, Math.max(1, Math.ceil(stats.length / 3)))
  const tel = loud.reduce((s, x) => s + x.tel, 0)
  const high = loud.reduce((s, x) => s + x.high, 0)
  if (tel <= 0) return { highBandDb: 0, narrowband: false }
  const highBandDb = 10 * Math.log10((high + 1e-20) / tel)
  return { highBandDb, narrowband: highBandDb < NARROWBAND_THRESHOLD_DB }
}
