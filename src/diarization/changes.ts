/**
 * Speaker-change detection inside one speech region. Windows that straddle a change describe neither
 * voice and cluster together as a phantom speaker, so regions are cut where the second before a point
 * and the second after it differ most, before any window is drawn.
 */
import { CEPS } from './features.js'

// One second each side: long enough for stable statistics, short enough for quick back-and-forth.
const SIDE = 100
const MIN_SIDE = 40
const STEP = 5
// Measured on synthetic calls: within one voice the score stays below ~2.3 (up to 5 for espeak), a change
// between a male and a female voice scores 3-11. Two similar voices are not told apart here, and need not
// be: their straddling windows look like one of the two and do not form a phantom speaker. A spurious cut
// costs little, it only shortens the windows on either side.
const THRESHOLD = 2.5

/**
 * Frame indices (relative to the region) where the speaker probably changes. `mfcc` holds normalised
 * cepstra (`count * CEPS`), `logF0` NaN for unvoiced frames.
 */
export function changePoints(mfcc: Float32Array, logF0: Float32Array, count: number, threshold = THRESHOLD): number[] {
  // Peaks above the threshold, at least a side's length apart, strongest first.
  const picked: number[] = []
  for (const s of changeScores(mfcc, logF0, count).sort((x, y) => y.score - x.score)) {
    if (s.score < threshold) break
    if (picked.every((p) => Math.abs(p - s.at) >= SIDE)) picked.push(s.at)
  }
  return picked.sort((x, y) => x - y)
}

/** How different the second before each candidate frame is from the second after it. */
export function changeScores(mfcc: Float32Array, logF0: Float32Array, count: number): { at: number; score: number }[] {
  if (count < 2 * MIN_SIDE) return []
  // Prefix sums make every candidate point O(CEPS) instead of O(frames).
  const sum = new Float64Array((count + 1) * CEPS)
  const sq = new Float64Array((count + 1) * CEPS)
  const f0 = new Float64Array(count + 1)
  const voiced = new Float64Array(count + 1)
  for (let f = 0; f < count; f++) {
    for (let c = 0; c < CEPS; c++) {
      const x = mfcc[f * CEPS + c]
      sum[(f + 1) * CEPS + c] = sum[f * CEPS + c] + x
      sq[(f + 1) * CEPS + c] = sq[f * CEPS + c] + x * x
    }
    const p = logF0[f]
    f0[f + 1] = f0[f] + (Number.isNaN(p) ? 0 : p)
    voiced[f + 1] = voiced[f] + (Number.isNaN(p) ? 0 : 1)
  }
  const scores: { at: number; score: number }[] = []
  for (let t = MIN_SIDE; t <= count - MIN_SIDE; t += STEP) {
    const a = Math.max(0, t - SIDE)
    const b = Math.min(count, t + SIDE)
    let d = 0
    for (let c = 0; c < CEPS; c++) {
      const [ml, vl] = moments(sum, sq, a, t, c)
      const [mr, vr] = moments(sum, sq, t, b, c)
      d += (ml - mr) ** 2 / (0.5 * (vl + vr) + 1e-3)
    }
    d /= CEPS
    const [nl, nr] = [voiced[t] - voiced[a], voiced[b] - voiced[t]]
    // A quarter octave apart is as telling as one standard deviation of every cepstrum.
    if (nl >= 10 && nr >= 10) d += ((f0[t] - f0[a]) / nl - (f0[b] - f0[t]) / nr) ** 2 / 0.0625
    scores.push({ at: t, score: d })
  }
  return scores
}

function moments(sum: Float64Array, sq: Float64Array, a: number, b: number, c: number): [number, number] {
  const n = b - a
  const m = (sum[b * CEPS + c] - sum[a * CEPS + c]) / n
  return [m, Math.max(0, (sq[b * CEPS + c] - sq[a * CEPS + c]) / n - m * m)]
}
