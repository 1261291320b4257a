/**
 * Turns speech regions into short overlapping windows, each summarised by one vector (an "embedding")
 * of voice statistics. Windows are short enough to hold one speaker most of the time and long enough for
 * their statistics to describe the voice rather than the words said.
 */
import type { SpeechRegion } from '../audio/vad.js'
import { changePoints } from './changes.js'
import { CEPS, extractFeatures, HOP, SAMPLE_RATE } from './features.js'

export interface WindowEmbedding {
  /** seconds */
  start: number
  end: number
  /** index of the single-speaker segment it belongs to */
  segment: number
  vector: Float64Array
}

export interface Embedded {
  /** speech regions cut at likely speaker changes; seconds */
  segments: SpeechRegion[]
  windows: WindowEmbedding[]
}

export interface WindowOptions {
  /** seconds */
  window: number
  hop: number
}

const FRAMES_PER_SECOND = SAMPLE_RATE / HOP
// Pitch separates men from women far better than any single cepstrum, so it counts for several dimensions.
const PITCH_WEIGHT = 3
export const DIMENSIONS = 2 * CEPS + 3

export function embedWindows(samples: Float32Array, regions: SpeechRegion[], opts: WindowOptions): Embedded {
  const perRegion = regions.map((r) => {
    const first = Math.floor(r.start * FRAMES_PER_SECOND)
    const end = Math.max(first, Math.min(Math.floor(r.end * FRAMES_PER_SECOND), Math.floor(samples.length / HOP)))
    return { first, features: extractFeatures(samples, first, end) }
  })
  const total = perRegion.reduce((n, r) => n + r.features.count, 0)
  if (total === 0) return { segments: [], windows: [] }

  // Cepstral mean and variance normalisation over the whole recording removes the channel (microphone,
  // codec, room) that every speaker shares, leaving what differs between them.
  const mean = new Float64Array(CEPS)
  const sq = new Float64Array(CEPS)
  let pitchSum = 0
  let voiced = 0
  for (const { features } of perRegion) {
    for (let i = 0; i < features.count * CEPS; i++) {
      mean[i % CEPS] += features.mfcc[i]
      sq[i % CEPS] += features.mfcc[i] ** 2
    }
    for (const f0 of features.logF0) {
      if (Number.isNaN(f0)) continue
      pitchSum += f0
      voiced++
    }
  }
  const scale = new Float64Array(CEPS)
  for (let c = 0; c < CEPS; c++) {
    mean[c] /= total
    scale[c] = 1 / Math.sqrt(Math.max(1e-9, sq[c] / total - mean[c] ** 2))
  }
  const meanPitch = voiced ? pitchSum / voiced : 7

  const segments: SpeechRegion[] = []
  const windows: WindowEmbedding[] = []
  for (const { first, features } of perRegion) {
    const { mfcc, logF0, count } = features
    for (let i = 0; i < count * CEPS; i++) mfcc[i] = (mfcc[i] - mean[i % CEPS]) * scale[i % CEPS]
    const cuts = [0, ...changePoints(mfcc, logF0, count), count]
    for (let s = 0; s + 1 < cuts.length; s++) {
      const segment = segments.length
      const [from, to] = [cuts[s], cuts[s + 1]]
      segments.push({ start: (first + from) / FRAMES_PER_SECOND, end: (first + to) / FRAMES_PER_SECOND })
      for (const [a, b] of windowSpans(to - from, opts)) {
        const vector = summarise(mfcc, logF0, from + a, from + b, meanPitch)
        windows.push({ start: (first + from + a) / FRAMES_PER_SECOND, end: (first + from + b) / FRAMES_PER_SECOND, segment, vector })
      }
    }
  }
  standardise(windows)
  return { segments, windows }
}

/** Frame spans of the windows covering `count` frames, spread evenly so the last one ends at the end. */
function windowSpans(count: number, opts: WindowOptions): [number, number][] {
  const size = Math.round(opts.window * FRAMES_PER_SECOND)
  const hop = Math.round(opts.hop * FRAMES_PER_SECOND)
  if (count <= size) return count > 0 ? [[0, count]] : []
  const n = Math.ceil((count - size) / hop) + 1
  const step = (count - size) / (n - 1)
  return Array.from({ length: n }, (_, i) => [Math.round(i * step), Math.round(i * step) + size])
}

/** Mean and spread of the normalised cepstra, and pitch statistics, over frames a..b. */
function summarise(mfcc: Float32Array, logF0: Float32Array, a: number, b: number, meanPitch: number): Float64Array {
  const v = new Float64Array(DIMENSIONS)
  const n = b - a
  for (let f = a; f < b; f++) {
    for (let c = 0; c < CEPS; c++) {
      const x = mfcc[f * CEPS + c]
      v[c] += x
      v[CEPS + c] += x * x
    }
  }
  for (let c = 0; c < CEPS; c++) {
    v[c] /= n
    v[CEPS + c] = Math.sqrt(Math.max(0, v[CEPS + c] / n - v[c] ** 2))
  }
  const pitches = Array.from(logF0.subarray(a, b)).filter((p) => !Number.isNaN(p))
  pitches.sort((x, y) => x - y)
  // The median ignores the odd octave error; the spread tells a monotone voice from a lively one.
  const median = pitches.length ? pitches[pitches.length >> 1] : meanPitch
  const spread = pitches.length > 3 ? pitches[Math.floor(pitches.length * 0.9)] - pitches[Math.floor(pitches.length * 0.1)] : 0
  v[2 * CEPS] = median
  v[2 * CEPS + 1] = spread
  v[2 * CEPS + 2] = pitches.length / n
  return v
}

/** z-scores every dimension across windows, so no feature dominates by its units alone. */
function standardise(windows: WindowEmbedding[]): void {
  const n = windows.length
  for (let d = 0; d < DIMENSIONS; d++) {
    let s = 0
    let s2 = 0
    for (const w of windows) {
      s += w.vector[d]
      s2 += w.vector[d] ** 2
    }
    const mu = s / n
    const sd = Math.sqrt(Math.max(1e-12, s2 / n - mu * mu))
    const weight = d === 2 * CEPS ? PITCH_WEIGHT : 1
    for (const w of windows) w.vector[d] = ((w.vector[d] - mu) / sd) * weight
  }
}
