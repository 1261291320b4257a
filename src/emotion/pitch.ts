import { resample } from '../audio/resample.js'

/**
 * YIN fundamental-frequency tracker (de Cheveigné & Kawahara, 2002). Chosen over plain
 * autocorrelation because its cumulative-mean normalisation suppresses the octave errors
 * that autocorrelation makes on speech with strong harmonics.
 */
export interface PitchOptions {
  minHz?: number
  maxHz?: number
  /** seconds between frames */
  hop?: number
  /** YIN's aperiodicity threshold: lower is stricter about what counts as voiced */
  threshold?: number
}

export const FRAME_HOP = 0.01

/**
 * Voices sit below 500 Hz, so 8 kHz keeps every harmonic YIN needs; YIN's cost grows with the
 * square of the rate, so tracking at 8 kHz is four times cheaper than at 16 kHz.
 */
const PITCH_RATE = 8000

/** Returns one value per hop: the pitch in Hz, or 0 where the frame is unvoiced or silent. */
export function trackPitch(samples: Float32Array, sampleRate: number, opts: PitchOptions = {}): Float32Array {
  if (sampleRate > PITCH_RATE) return trackAtRate(resample(samples, sampleRate, PITCH_RATE), PITCH_RATE, opts)
  return trackAtRate(samples, sampleRate, opts)
}

function trackAtRate(samples: Float32Array, sampleRate: number, opts: PitchOptions): Float32Array {
  const minHz = opts.minHz ?? 60
  const maxHz = opts.maxHz ?? 500
  const hop = Math.round((opts.hop ?? FRAME_HOP) * sampleRate)
  const threshold = opts.threshold ?? 0.15
  const maxLag = Math.ceil(sampleRate / minHz)
  const minLag = Math.floor(sampleRate / maxHz)
  // The integration window must span the longest period or low voices are never found.
  const window = Math.max(maxLag, Math.round(0.025 * sampleRate))
  const frames = Math.max(0, Math.floor((samples.length - window - maxLag) / hop) + 1)
  const out = new Float32Array(frames)
  const diff = new Float64Array(maxLag + 1)
  const floor = silenceFloor(samples)
  for (let f = 0; f < frames; f++) {
    const at = f * hop
    if (frameRms(samples, at, window) < floor) continue
    const lag = yinLag(samples, at, window, minLag, maxLag, threshold, diff)
    out[f] = lag > 0 ? sampleRate / lag : 0
  }
  return out
}

/** Frames this far below the loudest part of the signal are treated as silence, never as voiced. */
function silenceFloor(samples: Float32Array): number {
  let peak = 0
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]))
  return Math.max(peak * 0.01, 1e-4)
}

export function frameRms(samples: Float32Array, at: number, length: number): number {
  let sum = 0
  const end = Math.min(samples.length, at + length)
  for (let i = at; i < end; i++) sum += samples[i] * samples[i]
  return end > at ? Math.sqrt(sum / (end - at)) : 0
}

/** Runs YIN on one frame: the (fractional) period in samples when voiced, else 0. */
function yinLag(x: Float32Array, at: number, w: number, minLag: number, maxLag: number, threshold: number, d: Float64Array): number {
  for (let tau = 1; tau <= maxLag; tau++) {
    let sum = 0
    for (let j = 0; j < w; j++) {
      const delta = x[at + j] - x[at + j + tau]
      sum += delta * delta
    }
    d[tau] = sum
  }
  // Cumulative mean normalised difference, in place.
  d[0] = 1
  let running = 0
  for (let tau = 1; tau <= maxLag; tau++) {
    running += d[tau]
    d[tau] = running > 0 ? (d[tau] * tau) / running : 1
  }
  let tau = minLag
  while (tau <= maxLag && d[tau] >= threshold) tau++
  if (tau > maxLag) return 0
  while (tau + 1 <= maxLag && d[tau + 1] < d[tau]) tau++
  return tau + parabolicOffset(d[tau - 1], d[tau], tau + 1 <= maxLag ? d[tau + 1] : d[tau])
}

/** Sub-sample position of a minimum from its two neighbours; keeps high voices accurate. */
function parabolicOffset(a: number, b: number, c: number): number {
  const denom = a - 2 * b + c
  return denom > 0 ? Math.max(-0.5, Math.min(0.5, (a - c) / (2 * denom))) : 0
}
