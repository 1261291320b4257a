/**
 * Diagonal-covariance Gaussian mixtures over the diarizer's `DIMS`-dimensional frames: scoring a frame
 * against every component and gathering the statistics expectation-maximisation and MAP adaptation need.
 * Shared by the per-recording mixtures of resegment.ts and the shipped background of background.ts.
 */
import { DIMS } from './cepstra.js'

export interface Mixture {
  weights: Float64Array
  means: Float64Array
  variances: Float64Array
}

/** A mixture prepared for scoring: inverse variances and each component's log weight and normaliser. */
export interface Scorer {
  means: Float64Array
  precisions: Float64Array
  constants: Float64Array
}

const LOG_2PI = Math.log(2 * Math.PI)

export function scorerOf(m: Mixture): Scorer {
  const k = m.weights.length
  const constants = new Float64Array(k)
  for (let c = 0; c < k; c++) {
    let logDet = 0
    for (let d = 0; d < DIMS; d++) logDet += Math.log(m.variances[c * DIMS + d])
    constants[c] = Math.log(Math.max(1e-12, m.weights[c])) - 0.5 * (DIMS * LOG_2PI + logDet)
  }
  return { means: m.means, precisions: m.variances.map((v) => 1 / v), constants }
}

/** log of every weighted component density at frame `f`, into `out`; returns their log-sum-exp. */
export function componentLogs(s: Scorer, x: Float32Array, f: number, out: Float64Array): number {
  let max = -Infinity
  const o = f * DIMS
  const k = s.constants.length
  for (let c = 0; c < k; c++) {
    let q = 0
    for (let d = 0; d < DIMS; d++) {
      const v = x[o + d] - s.means[c * DIMS + d]
      q += v * v * s.precisions[c * DIMS + d]
    }
    const l = s.constants[c] - 0.5 * q
    out[c] = l
    if (l > max) max = l
  }
  let sum = 0
  // Components e^30 times less likely than the best one change nothing; exp is the costly part here.
  for (let c = 0; c < k; c++) if (out[c] - max > -30) sum += Math.exp(out[c] - max)
  return max + Math.log(sum)
}

/** Zeroth-, first- and second-order statistics of `frames` per component (the E step). */
export function statistics(m: Mixture, x: Float32Array, frames: Int32Array): { n: Float64Array; s1: Float64Array; s2: Float64Array } {
  const k = m.weights.length
  const scorer = scorerOf(m)
  const logs = new Float64Array(k)
  const n = new Float64Array(k)
  const s1 = new Float64Array(k * DIMS)
  const s2 = new Float64Array(k * DIMS)
  for (const f of frames) {
    const total = componentLogs(scorer, x, f, logs)
    for (let c = 0; c < k; c++) {
      const r = Math.exp(logs[c] - total)
      if (r < 1e-6) continue
      n[c] += r
      for (let d = 0; d < DIMS; d++) {
        const v = x[f * DIMS + d]
        s1[c * DIMS + d] += r * v
        s2[c * DIMS + d] += r * v * v
      }
    }
  }
  return { n, s1, s2 }
}
