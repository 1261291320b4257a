/**
 * Viterbi resegmentation, the step that follows BIC clustering in LIUM-style diarizers: every cluster
 * becomes a Gaussian mixture (the recording's own background mixture with its means moved towards the
 * cluster's frames), and every speech frame is decoded again against those mixtures, with a fixed price
 * for switching speaker inside a stretch of speech. Clustering worked on whole segments, so a segment
 * that hid a missed change, or a short turn glued to its neighbour, was all-or-nothing; here each
 * frame's evidence counts, and the switching price keeps single frames from flickering.
 */
import { DIMS } from './cepstra.js'
import { adaptedMeans, componentLogs, reestimate, scorerOf, type Mixture } from './mixture.js'
import type { Span } from './segment.js'

const COMPONENTS = 16
const BACKGROUND_ITERATIONS = 8
// Neighbouring 10 ms frames overlap and say nearly the same: every fourth frame trains the background
// mixture as well as all of them, at a quarter of the cost.
const BACKGROUND_STRIDE = 4

/** Every speech frame in `spans` (sorted), the frames each mixture is trained and scored on. */
function framesOf(spans: Span[]): Int32Array {
  const out: number[] = []
  for (const s of spans) for (let f = s.start; f < s.end; f++) out.push(f)
  return Int32Array.from(out)
}

/** Expectation-maximisation of a mixture over all speech frames, started from evenly spread frames. */
function trainBackground(x: Float32Array, frames: Int32Array): Mixture {
  const k = Math.max(1, Math.min(COMPONENTS, Math.floor(frames.length / 50)))
  const m: Mixture = { weights: new Float64Array(k).fill(1 / k), means: new Float64Array(k * DIMS), variances: new Float64Array(k * DIMS).fill(1) }
  for (let c = 0; c < k; c++) {
    const f = frames[Math.floor(((c + 0.5) * frames.length) / k)]
    for (let d = 0; d < DIMS; d++) m.means[c * DIMS + d] = x[f * DIMS + d]
  }
  for (let it = 0; it < BACKGROUND_ITERATIONS; it++) reestimate(m, x, frames)
  return m
}

/** The background mixture fitted to `frames`: means MAP-adapted, weights re-estimated. */
function adapt(background: Mixture, x: Float32Array, frames: Int32Array): Mixture {
  const k = background.weights.length
  const scorer = scorerOf(background)
  const logs = new Float64Array(k)
  const n = new Float64Array(k)
  const s1 = new Float64Array(k * DIMS)
  for (const f of frames) {
    const total = componentLogs(scorer, x, f, logs)
    for (let c = 0; c < k; c++) {
      const r = Math.exp(logs[c] - total)
      n[c] += r
      for (let d = 0; d < DIMS; d++) s1[c * DIMS + d] += r * x[f * DIMS + d]
    }
  }
  // The weights follow the cluster's own use of the components. The background was trained on this
  // recording, so its components already split the voices between them: which components a cluster
  // uses says more about its voice than where their means sit. Add-one smoothing keeps unused ones finite.
  const weights = n.map((v) => (v + 1) / (frames.length + k))
  return { weights, means: adaptedMeans(background, n, s1), variances: background.variances }
}

export interface ResegmentOptions {
  /** log-likelihood a speaker change inside a stretch of speech must earn */
  switchPenalty: number
  /** decode-and-retrain rounds */
  rounds: number
}

/**
 * New labels, frame by frame, for the speech in `regions`, starting from `pieces` (spans with a cluster
 * label each). Returns labelled spans, sorted, covering the same frames.
 */
export function resegment(x: Float32Array, regions: Span[], pieces: (Span & { label: number })[], o: ResegmentOptions): (Span & { label: number })[] {
  const all = framesOf(regions)
  if (all.length === 0) return pieces
  const background = trainBackground(
    x,
    all.filter((_, i) => i % BACKGROUND_STRIDE === 0)
  )
  let current = pieces
  for (let round = 0; round < o.rounds; round++) {
    const labels = [...new Set(current.map((p) => p.label))].sort((a, b) => a - b)
    if (labels.length < 2) return current
    const models = labels.map((l) => adapt(background, x, framesOf(current.filter((p) => p.label === l))))
    current = decode(x, regions, models, o.switchPenalty).map((p) => ({ ...p, label: labels[p.label] }))
  }
  return current
}

/** Viterbi over each region: per-frame mixture log-likelihoods, minus the penalty at every switch. */
function decode(x: Float32Array, regions: Span[], models: Mixture[], penalty: number): (Span & { label: number })[] {
  const k = models.length
  const scorers = models.map(scorerOf)
  const logs = new Float64Array(COMPONENTS)
  const out: (Span & { label: number })[] = []
  for (const r of regions) {
    const length = r.end - r.start
    if (length <= 0) continue
    const back = new Int32Array(length * k)
    let score = new Float64Array(k)
    let next = new Float64Array(k)
    for (let t = 0; t < length; t++) {
      let best = 0
      for (let s = 1; s < k; s++) if (score[s] > score[best]) best = s
      for (let s = 0; s < k; s++) {
        const stay = score[s]
        const move = score[best] - penalty
        const from = t > 0 && move > stay ? best : s
        back[t * k + s] = from
        next[s] = (from === s ? stay : move) + componentLogs(scorers[s], x, r.start + t, logs)
      }
      ;[score, next] = [next, score]
    }
    let s = 0
    for (let j = 1; j < k; j++) if (score[j] > score[s]) s = j
    const path = new Int32Array(length)
    for (let t = length - 1; t >= 0; t--) {
      path[t] = s
      s = back[t * k + s]
    }
    let start = 0
    for (let t = 1; t <= length; t++) {
      if (t < length && path[t] === path[start]) continue
      out.push({ start: r.start + start, end: r.start + t, label: path[start] })
      start = t
    }
  }
  return out
}
