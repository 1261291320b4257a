/**
 * Short-time feature warping (Pelecanos and Sridharan, 2001), as LIUM applies before its GMM clustering:
 * every cepstral coefficient is replaced by the standard-normal quantile of its rank among the speech frames
 * of the 3 s around it. What a channel or a session adds to the cepstra drifts slowly and bends the value
 * distribution; ranks within a few seconds keep the voice and drop most of both.
 */
import { DIMS } from './cepstra.js'
import type { Span } from './segment.js'

// 3 s of speech frames, the window of the original recipe.
const WINDOW = 300

const quantileTables = new Map<number, Float64Array>()

/** The standard-normal CDF on a fine grid from -8 to 8, integrated once. */
const GRID_STEP = 1e-3
const grid = (() => {
  const n = Math.round(16 / GRID_STEP) + 1
  const cdf = new Float64Array(n)
  const pdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)
  for (let i = 1; i < n; i++) cdf[i] = cdf[i - 1] + (GRID_STEP * (pdf(-8 + (i - 1) * GRID_STEP) + pdf(-8 + i * GRID_STEP))) / 2
  return cdf
})()

function quantile(p: number): number {
  let lo = 0
  let hi = grid.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (grid[mid] < p) lo = mid
    else hi = mid
  }
  return -8 + hi * GRID_STEP
}

/** The normal quantile of each rank 0..n-1 among n values. */
function quantilesOf(n: number): Float64Array {
  let q = quantileTables.get(n)
  if (!q) {
    q = Float64Array.from({ length: n }, (_, r) => quantile((r + 0.5) / n))
    quantileTables.set(n, q)
  }
  return q
}

/** Warped copy of the speech frames of `x` (frames outside `spans` stay zero). */
export function warp(x: Float32Array, spans: Span[]): Float32Array {
  const frames: number[] = []
  for (const s of spans) for (let f = s.start; f < s.end; f++) frames.push(f)
  const out = new Float32Array(x.length)
  const n = frames.length
  const half = WINDOW / 2
  for (let i = 0; i < n; i++) {
    // The window slides inside the speech, keeping its full length near the ends of the recording.
    const from = Math.max(0, Math.min(i - half, n - WINDOW))
    const to = Math.min(n, from + WINDOW)
    const q = quantilesOf(to - from)
    const o = frames[i] * DIMS
    for (let d = 0; d < DIMS; d++) {
      const v = x[o + d]
      let rank = 0
      for (let j = from; j < to; j++) if (x[frames[j] * DIMS + d] < v) rank++
      out[o + d] = q[rank]
    }
  }
  return out
}
