/**
 * Mel cepstra for speaker segmentation and clustering, over 16 kHz float32 samples. The filterbank
 * follows the recording's bandwidth: a phone call resampled to 16 kHz has nothing above 4 kHz, and
 * filters placed there would describe the resampler's noise floor instead of the voice.
 */
import FFT from 'fft.js'

export const SAMPLE_RATE = 16000
/** 10 ms hop: the usual speech frame rate, fine enough for turn boundaries. */
export const HOP = 160
const FRAME = 400
const NFFT = 512
const MELS = 24
/** c1..c12: the spectral envelope; c0 (loudness) tracks the microphone more than the voice. */
export const DIMS = 12
// Share of the energy above 4 kHz below which a recording counts as narrowband (-45 dB): wideband speech
// keeps -15 to -30 dB up there, 8 kHz audio resampled to 16 kHz keeps almost nothing.
const NARROWBAND_SHARE = 10 ** -4.5

interface Tables {
  fft: FFT
  window: Float64Array
  mel: { first: number; weights: Float64Array }[]
  dct: Float64Array
}

const tables = new Map<string, Tables>()

function buildTables(lowHz: number, highHz: number): Tables {
  const fft = new FFT(NFFT)
  const window = new Float64Array(FRAME)
  for (let i = 0; i < FRAME; i++) window[i] = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (FRAME - 1))
  const toMel = (hz: number) => 2595 * Math.log10(1 + hz / 700)
  const fromMel = (mel: number) => 700 * (10 ** (mel / 2595) - 1)
  const [lo, hi] = [toMel(lowHz), toMel(highHz)]
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
  const dct = new Float64Array(DIMS * MELS)
  for (let c = 0; c < DIMS; c++) {
    for (let m = 0; m < MELS; m++) dct[c * MELS + m] = Math.cos((Math.PI * (c + 1) * (m + 0.5)) / MELS)
  }
  return { fft, window, mel, dct }
}

function tablesFor(narrow: boolean): Tables {
  const key = narrow ? 'narrow' : 'wide'
  let t = tables.get(key)
  if (!t) tables.set(key, (t = narrow ? buildTables(300, 3400) : buildTables(100, 7600)))
  return t
}

/** True when the frames given (start samples) carry less than `share` of their energy above 4 kHz. */
export function isNarrowband(samples: Float32Array, starts: number[], share = NARROWBAND_SHARE): boolean {
  const fft = new FFT(NFFT)
  const frame = new Float64Array(NFFT)
  const spectrum = new Float64Array(2 * NFFT)
  let low = 0
  let high = 0
  const split = Math.round((4000 * NFFT) / SAMPLE_RATE)
  for (const s of starts) {
    for (let i = 0; i < NFFT; i++) frame[i] = samples[s + i] ?? 0
    fft.realTransform(spectrum, frame)
    for (let k = 1; k < NFFT / 2; k++) {
      const p = spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2
      if (k < split) low += p
      else high += p
    }
  }
  return low > 0 && high / (low + high) < share
}

/** Cepstra (`DIMS` per frame) of the frames starting at `first * HOP` up to (not including) `end`. */
export function cepstra(samples: Float32Array, first: number, end: number, narrow: boolean): Float32Array {
  const t = tablesFor(narrow)
  const count = Math.max(0, end - first)
  const out = new Float32Array(count * DIMS)
  const frame = new Float64Array(NFFT)
  const spectrum = new Float64Array(2 * NFFT)
  const logMel = new Float64Array(MELS)
  for (let f = 0; f < count; f++) {
    const offset = (first + f) * HOP
    let prev = samples[offset - 1] ?? 0
    for (let i = 0; i < FRAME; i++) {
      // Pre-emphasis lifts the upper formants, where voices differ most, above the strong low harmonics.
      const x = samples[offset + i] ?? 0
      frame[i] = (x - 0.97 * prev) * t.window[i]
      prev = x
    }
    t.fft.realTransform(spectrum, frame)
    for (let m = 0; m < MELS; m++) {
      const { first: bin0, weights } = t.mel[m]
      let e = 0
      for (let b = 0; b < weights.length; b++) {
        const k = bin0 + b
        e += weights[b] * (spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2)
      }
      logMel[m] = Math.log(e + 1e-10)
    }
    for (let c = 0; c < DIMS; c++) {
      let s = 0
      for (let m = 0; m < MELS; m++) s += t.dct[c * MELS + m] * logMel[m]
      out[f * DIMS + c] = s
    }
  }
  return out
}
