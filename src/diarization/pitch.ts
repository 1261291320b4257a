/**
 * Voice pitch for speaker clustering: the fundamental frequency of voiced frames by normalised
 * autocorrelation, at 4 kHz, where the harmonics that carry a telephone voice's pitch (its fundamental is
 * cut below 300 Hz) are all still present. Cepstra describe the vocal tract and a short stretch of speech
 * estimates them poorly; the median pitch of a few seconds is steady, and a woman's (about 160-250 Hz)
 * and a man's (about 80-140 Hz) lie far apart.
 */
import { HOP, SAMPLE_RATE } from './cepstra.js'
import type { Span } from './segment.js'

const DECIMATE = 4
const RATE = SAMPLE_RATE / DECIMATE
/** 40 ms: two periods of an 50 Hz voice. */
const WINDOW = Math.round(0.04 * RATE)
const MIN_LAG = Math.floor(RATE / 400)
const MAX_LAG = Math.ceil(RATE / 60)
/** Every other 10 ms frame: pitch moves slowly and only its median per segment is used. */
const STRIDE = 2
// A frame counts as voiced when its best normalised autocorrelation passes this.
const VOICED = 0.6
const TAPS = 31

let lowpass: Float64Array | undefined

/** Windowed-sinc low-pass at 1.8 kHz, applied before keeping every fourth sample. */
function taps(): Float64Array {
  if (lowpass) return lowpass
  const h = new Float64Array(TAPS)
  const fc = 1800 / SAMPLE_RATE
  let sum = 0
  for (let i = 0; i < TAPS; i++) {
    const m = i - (TAPS - 1) / 2
    const sinc = m === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * m) / (Math.PI * m)
    h[i] = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (TAPS - 1)))
    sum += h[i]
  }
  for (let i = 0; i < TAPS; i++) h[i] /= sum
  lowpass = h
  return h
}

/** log F0 (natural log of Hz) of every STRIDE-th frame inside `spans`; NaN where the frame is unvoiced. */
export function logPitch(samples: Float32Array, spans: Span[], frames: number): Float32Array {
  const out = new Float32Array(frames).fill(NaN)
  const h = taps()
  const buffer = new Float64Array(WINDOW + MAX_LAG)
  for (const s of spans) {
    for (let f = s.start; f < s.end; f += STRIDE) {
      const from = f * HOP
      if (from + (WINDOW + MAX_LAG) * DECIMATE + TAPS > samples.length) break
      for (let i = 0; i < buffer.length; i++) {
        let v = 0
        const o = from + i * DECIMATE
        for (let t = 0; t < TAPS; t++) v += h[t] * samples[o + t]
        buffer[i] = v
      }
      let e0 = 0
      for (let i = 0; i < WINDOW; i++) e0 += buffer[i] * buffer[i]
      if (e0 < 1e-9) continue
      let el = 0
      for (let i = MIN_LAG; i < MIN_LAG + WINDOW; i++) el += buffer[i] * buffer[i]
      let best = 0
      let bestLag = 0
      for (let lag = MIN_LAG; lag <= MAX_LAG; lag++) {
        let r = 0
        for (let i = 0; i < WINDOW; i++) r += buffer[i] * buffer[i + lag]
        const c = r / Math.sqrt(e0 * el + 1e-12)
        if (c > best) [best, bestLag] = [c, lag]
        el += buffer[lag + WINDOW] ** 2 - buffer[lag] ** 2
      }
      if (best >= VOICED) out[f] = Math.log(RATE / bestLag)
    }
  }
  return out
}

/** Median log F0 of the voiced frames in `spans` and how many there are. */
export function pitchOf(pitch: Float32Array, spans: Span[]): { logF0: number; voiced: number } {
  const values: number[] = []
  for (const s of spans) for (let f = s.start; f < s.end; f++) if (!Number.isNaN(pitch[f])) values.push(pitch[f])
  if (values.length === 0) return { logF0: NaN, voiced: 0 }
  values.sort((a, b) => a - b)
  return { logF0: values[values.length >> 1], voiced: values.length }
}
