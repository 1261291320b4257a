/**
 * Full-covariance Gaussian statistics of cepstral frames and the Bayesian information criterion that
 * decides whether two stretches of speech are better described by one voice or by two. The BIC weighs
 * the gain in likelihood of two models against the cost of the extra parameters, so the decision comes
 * from the data and one penalty weight (lambda), not from a distance threshold.
 */
import { DIMS } from './cepstra.js'

const PACKED = (DIMS * (DIMS + 1)) / 2
/** Parameters of one full-covariance Gaussian: the BIC's price for a second model. */
export const PARAMETERS = DIMS + PACKED
// Added to every variance: a short segment cannot estimate 78 covariances, and an almost singular
// matrix would make it look like a voice of its own. Features are variance-normalised, so 0.02 is small.
const RIDGE = 0.02

/** Sufficient statistics: frame count, sum and packed sum of outer products. */
export class Stats {
  n = 0
  readonly sum = new Float64Array(DIMS)
  readonly sq = new Float64Array(PACKED)

  add(x: Float32Array, frame: number, sign = 1): void {
    const o = frame * DIMS
    this.n += sign
    let k = 0
    for (let i = 0; i < DIMS; i++) {
      const xi = x[o + i] * sign
      this.sum[i] += xi
      for (let j = i; j < DIMS; j++) this.sq[k++] += xi * x[o + j]
    }
  }

  addRange(x: Float32Array, from: number, to: number): this {
    for (let f = from; f < to; f++) this.add(x, f)
    return this
  }

  merge(other: Stats): this {
    this.n += other.n
    for (let i = 0; i < DIMS; i++) this.sum[i] += other.sum[i]
    for (let k = 0; k < PACKED; k++) this.sq[k] += other.sq[k]
    return this
  }

  /** log determinant of the covariance; the data term of the Gaussian's log-likelihood. */
  logDet(): number {
    return logDetOf(this, 1, this, 0)
  }
}

const scratch = new Float64Array(DIMS * DIMS)

/**
 * log determinant of the covariance of `a` weighted `wa` per frame pooled with `b` weighted `wb`, by
 * Cholesky in a reused buffer: clustering calls this about a million times for an hour of audio.
 */
function logDetOf(a: Stats, wa: number, b: Stats, wb: number): number {
  const n = Math.max(1e-9, a.n * wa + b.n * wb)
  const m = scratch
  let k = 0
  for (let i = 0; i < DIMS; i++) {
    const mi = (a.sum[i] * wa + b.sum[i] * wb) / n
    for (let j = i; j < DIMS; j++) {
      const mj = (a.sum[j] * wa + b.sum[j] * wb) / n
      m[i * DIMS + j] = (a.sq[k] * wa + b.sq[k] * wb) / n - mi * mj
      k++
    }
    m[i * DIMS + i] += RIDGE
  }
  let logDet = 0
  for (let j = 0; j < DIMS; j++) {
    let d = m[j * DIMS + j]
    for (let p = 0; p < j; p++) d -= m[p * DIMS + j] ** 2
    if (d <= 1e-12) d = 1e-12
    const l = Math.sqrt(d)
    logDet += 2 * Math.log(l)
    // The factor is kept in the upper triangle (row p, column j), which the covariance filled.
    m[j * DIMS + j] = l
    for (let i = j + 1; i < DIMS; i++) {
      let v = m[j * DIMS + i]
      for (let p = 0; p < j; p++) v -= m[p * DIMS + j] * m[p * DIMS + i]
      m[j * DIMS + i] = v / l
    }
  }
  return logDet
}

/**
 * How much better two Gaussians explain `a` and `b` than one does, minus lambda times the BIC's price of
 * the second model. Positive: two voices. `logDets` may pass cached log determinants of a and b.
 *
 * Either side counts as at most `cap` frames. Real speech is not one Gaussian, so with every frame
 * counted the gain and the penalty scale differently and the verdict would depend on how long the
 * recording is: in an hour-long call a large cluster would absorb any short turn of another voice.
 */
export function deltaBic(a: Stats, b: Stats, lambda: number, logDets?: [number, number], cap = Infinity): number {
  const [na, nb] = [Math.min(a.n, cap), Math.min(b.n, cap)]
  const [la, lb] = logDets ?? [a.logDet(), b.logDet()]
  const merged = logDetOf(a, na / Math.max(1, a.n), b, nb / Math.max(1, b.n))
  const gain = 0.5 * ((na + nb) * merged - na * la - nb * lb)
  return gain - lambda * 0.5 * PARAMETERS * Math.log(na + nb)
}
