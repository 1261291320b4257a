/**
 * Frame-level acoustic features for speaker clustering: MFCCs (vocal-tract shape) and pitch (vocal-fold
 * rate), the two cues that separate voices best without a trained model. Pure functions over 16 kHz
 * float32 samples; the caller decides which frames are speech.
 */
import FFT from 'fft.js'

export const SAMPLE_RATE = 16000
/** 10 ms hop: the usual speech frame rate, fine enough for turn boundaries. */
export const HOP = 160
// 32 ms frames hold at least two periods of a 60 Hz voice, which the pitch tracker needs.
const FRAME = 512
// Zero-padding to twice the frame makes the spectrum's inverse a linear (not circular) autocorrelation.
const NFFT = 1024
const MELS = 40
export const CEPS = 19
const MIN_F0 = 60
const MAX_F0 = 400
// Normalised autocorrelation above this counts as voiced; below it the frame is noise or a fricative.
const VOICING = 0.45

export interface FrameFeatures {
  /** frame count */
  count: number
  /** `count * CEPS` cepstra c1..c19 (c0, the loudness, is left out: it tracks the microphone, not the voice) */
  mfcc: Float32Array
  /** log2 of the fundamental frequency per frame, NaN when unvoiced */
  logF0: Float32Array
}

interface Tables {
  fft: FFT
  window: Float64Array
  /** autocorrelation of the window itself, to undo the taper's bias towards short lags */
  windowAcf: Float64Array
  mel: { first: number; weights: Float64Array }[]
  dct: Float64Array
}

let tables: Tables | undefined

function buildTables(): Tables {
  const fft = new FFT(NFFT)
  const window = new Float64Array(FRAME)
  for (let i = 0; i < FRAME; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FRAME - 1))
  const windowAcf = new Float64Array(FRAME)
  for (let lag = 0; lag < FRAME; lag++) {
    let s = 0
    for (let i = 0; i + lag < FRAME; i++) s += window[i] * window[i + lag]
    windowAcf[lag] = s
  }
  const toMel = (hz: number) => 2595 * Math.log10(1 + hz / 700)
  const fromMel = (mel: number) => 700 * (10 ** (mel / 2595) - 1)
  const lo = toMel(60)
  const hi = toMel(7600)
  const edges = Array.from({ length: MELS + 2 }, (_, i) => (fromMel(lo + ((hi - lo) * i) / (MELS + 1)) * NFFT) / SAMPLE_RATE)
  const mel = []
  for (let m = 1; m <= MELS; m++) {
    const [left, centre, right] = [edges[m - 1], edges[m], edges[m + 1]]
    const first = Math.ceil(left)
    const weights = new Float64Array(Math.max(1, Math.floor(right) - first + 1))
    for (let b = 0; b < weights.length; b++) {
      const bin = first + b
      weights[b] = Math.max(0, bin <= centre ? (bin - left) / (centre - left) : (right - bin) / (right - centre))
    }
    mel.push({ first, weights })
  }
  const dct = new Float64Array(CEPS * MELS)
  for (let c = 0; c < CEPS; c++) {
    for (let m = 0; m < MELS; m++) dct[c * MELS + m] = Math.cos((Math.PI * (c + 1) * (m + 0.5)) / MELS)
  }
  return { fft, window, windowAcf, mel, dct }
}

/** Features for the frames starting at `firstFrame * HOP` up to (not including) `endFrame`. */
export function extractFeatures(samples: Float32Array, firstFrame: number, endFrame: number): FrameFeatures {
  const t = (tables ??= buildTables())
  const count = Math.max(0, endFrame - firstFrame)
  const mfcc = new Float32Array(count * CEPS)
  const logF0 = new Float32Array(count)
  const frame = new Float64Array(NFFT)
  const spectrum = new Float64Array(2 * NFFT)
  const power = new Float64Array(NFFT)
  const acf = new Float64Array(2 * NFFT)
  const logMel = new Float64Array(MELS)
  const minLag = Math.floor(SAMPLE_RATE / MAX_F0)
  const maxLag = Math.ceil(SAMPLE_RATE / MIN_F0)

  for (let f = 0; f < count; f++) {
    const offset = (firstFrame + f) * HOP
    for (let i = 0; i < FRAME; i++) frame[i] = (samples[offset + i] ?? 0) * t.window[i]
    t.fft.realTransform(spectrum, frame)
    for (let k = 0; k <= NFFT / 2; k++) {
      const p = spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2
      power[k] = p
      if (k > 0 && k < NFFT / 2) power[NFFT - k] = p
    }
    for (let m = 0; m < MELS; m++) {
      const { first, weights } = t.mel[m]
      let e = 0
      for (let b = 0; b < weights.length; b++) e += weights[b] * power[first + b]
      logMel[m] = Math.log(e + 1e-10)
    }
    for (let c = 0; c < CEPS; c++) {
      let s = 0
      for (let m = 0; m < MELS; m++) s += t.dct[c * MELS + m] * logMel[m]
      mfcc[f * CEPS + c] = s
    }
    // The power spectrum is real and symmetric, so its forward transform is the autocorrelation.
    t.fft.realTransform(acf, power)
    logF0[f] = pitch(acf, t.windowAcf, minLag, maxLag)
  }
  return { count, mfcc, logF0 }
}

function pitch(acf: Float64Array, windowAcf: Float64Array, minLag: number, maxLag: number): number {
  const r0 = acf[0]
  if (r0 <= 1e-8) return NaN
  const norm = (lag: number) => acf[2 * lag] / r0 / (windowAcf[lag] / windowAcf[0])
  let best = -1
  let bestLag = 0
  for (let lag = minLag; lag <= maxLag; lag++) {
    const v = norm(lag)
    if (v > best) [best, bestLag] = [v, lag]
  }
  if (best < VOICING) return NaN
  // A period's multiples correlate almost as well as the period: prefer the shortest near-best peak,
  // or the tracker would halve the pitch of every voice now and then.
  for (let lag = minLag + 1; lag < bestLag; lag++) {
    const v = norm(lag)
    if (v > 0.9 * best && v >= norm(lag - 1) && v >= norm(lag + 1)) {
      bestLag = lag
      break
    }
  }
  const [a, b, c] = [norm(bestLag - 1), norm(bestLag), norm(bestLag + 1)]
  const denom = a - 2 * b + c
  const shift = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : 0
  return Math.log2(SAMPLE_RATE / (bestLag + shift))
}
