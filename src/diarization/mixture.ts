/**
 * Diagonal-covariance Gaussian mixtures over the diarizer's `DIMS`-dimensional frames: scoring a frame
 * against every component, expectation-maximisation, and MAP adaptation of the means. Shared by the
 * per-recording mixtures of resegment.ts, the shipped background of background.ts and the adapted
 * clusters of adapted.ts.
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
// Features are normalised to unit variance over the recording; a component narrower than this would fit
// one phone of one speaker.
const VARIANCE_FLOOR = 0.01
// MAP relevance factor of the speaker-recognition literature (Reynolds et al., 2000): a component moves
// halfway to a cluster's data once the cluster gives it 16 frames' worth of responsibility. 8 gave a
// higher dev DER in the adapted stage (15.7% against 14.1% with the true count given).
const RELEVANCE = 16

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

/**
 * One expectation-maximisation iteration of `m` over `frames`, in place. A component given less than one
 * frame's worth of responsibility keeps its mean and variance: estimated from so little they would be noise.
 */
export function reestimate(m: Mixture, x: Float32Array, frames: Int32Array): void {
  // No frames carry no evidence: the mixture stays as it is rather than getting 0/0 weights.
  if (frames.length === 0) return
  const { n, s1, s2 } = statistics(m, x, frames)
  for (let c = 0; c < m.weights.length; c++) {
    m.weights[c] = n[c] / frames.length
    if (n[c] < 1) continue
    for (let d = 0; d < DIMS; d++) {
      const mean = s1[c * DIMS + d] / n[c]
      m.means[c * DIMS + d] = mean
      m.variances[c * DIMS + d] = Math.max(VARIANCE_FLOOR, s2[c * DIMS + d] / n[c] - mean * mean)
    }
  }
}

/**
 * The means of `m` MAP-adapted towards the frames whose zeroth- and first-order statistics per component
 * are `n` and `s1`. A component the frames hardly use keeps its mean.
 */
export function adaptedMeans(m: Mixture, n: Float64Array, s1: Float64Array): Float64Array {
  const means = new Float64Array(m.means)
  for (let c = 0; c < n.length; c++) {
    if (n[c] < 1e-6) continue
    const alpha = n[c] / (n[c] + RELEVANCE)
    for (let d = 0; d < DIMS; d++) means[c * DIMS + d] = alpha * (s1[c * DIMS + d] / n[c]) + (1 - alpha) * m.means[c * DIMS + d]
  }
  return means
}
