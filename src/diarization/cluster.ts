/**
 * Agglomerative clustering of segments by BIC: the two clusters whose union costs least are merged,
 * until every remaining union would cost more than the penalty for keeping them apart. That point is
 * the speaker count; no distance threshold is involved. A caller's exact count or maximum overrides
 * where merging stops.
 */
import { deltaBic, Stats } from './gaussian.js'

export interface ClusterOptions {
  lambda: number
  /** frames each side counts as at most (see deltaBic) */
  cap: number
  /** merge down to exactly this many clusters, whatever the BIC says */
  exactly?: number
  /** never stop above this many clusters */
  atMost?: number
  /** median log F0 and voiced-frame count of every item (pitch.ts); clusters far apart in pitch stay apart */
  pitch?: { logF0: number; voiced: number }[]
  /** log F0 distance (natural log) beyond which two clusters are never merged unless a count forces it */
  pitchApart?: number
  /** voiced frames a cluster needs before its pitch counts */
  minVoiced?: number
  /** the penalty weight for two clusters of the same pitch; it falls linearly to `lambda` at `pitchNear` */
  lambdaSamePitch?: number
  /** log F0 distance at which pitch stops raising the penalty */
  pitchNear?: number
}

// Added to the cost of a merge that pitch rules out: such a pair goes last, and only when a count forces it.
const APART = 1e6

/** Cluster index of every item; items are given by their statistics (which are not modified). */
export function clusterByBic(items: Stats[], o: ClusterOptions): Int32Array {
  const n = items.length
  const stats = items.map((s) => new Stats().merge(s))
  const logDet = stats.map((s) => s.logDet())
  const active = new Uint8Array(n).fill(1)
  const owner = Int32Array.from({ length: n }, (_, i) => i)
  // Per cluster: voiced frames and their summed log F0 (a voiced-weighted mean of the items' medians).
  const voiced = Float64Array.from({ length: n }, (_, i) => (o.pitch && !Number.isNaN(o.pitch[i].logF0) ? o.pitch[i].voiced : 0))
  const pitchSum = Float64Array.from({ length: n }, (_, i) => (voiced[i] > 0 ? o.pitch![i].logF0 * voiced[i] : 0))
  const minVoiced = o.minVoiced ?? 0
  /** log F0 distance of two clusters, NaN while either has too little voiced speech */
  const distance = (i: number, j: number) =>
    voiced[i] >= Math.max(1, minVoiced) && voiced[j] >= Math.max(1, minVoiced) ? Math.abs(pitchSum[i] / voiced[i] - pitchSum[j] / voiced[j]) : NaN
  const apart = (d: number) => o.pitchApart !== undefined && d > o.pitchApart
  const lambdaOf = (d: number) =>
    o.lambdaSamePitch === undefined || o.pitchNear === undefined || Number.isNaN(d)
      ? o.lambda
      : o.lambda + (o.lambdaSamePitch - o.lambda) * Math.max(0, 1 - d / o.pitchNear)
  // Costs of every pair, with each row's cheapest partner cached so a merge rescans only what changed.
  const cost = new Float64Array(n * n).fill(Infinity)
  const pair = (i: number, j: number) => {
    const d = distance(i, j)
    return deltaBic(stats[i], stats[j], lambdaOf(d), [logDet[i], logDet[j]], o.cap) + (apart(d) ? APART : 0)
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) cost[i * n + j] = cost[j * n + i] = pair(i, j)
  const best = new Int32Array(n).fill(-1)
  const rescan = (i: number) => {
    let b = -1
    for (let j = 0; j < n; j++) if (active[j] && j !== i && (b < 0 || cost[i * n + j] < cost[i * n + b])) b = j
    best[i] = b
  }
  for (let i = 0; i < n; i++) rescan(i)

  let clusters = n
  while (clusters > 1) {
    let i = -1
    for (let k = 0; k < n; k++) if (active[k] && best[k] >= 0 && (i < 0 || cost[k * n + best[k]] < cost[i * n + best[i]])) i = k
    if (i < 0) break
    const j = best[i]
    const c = cost[i * n + j]
    const forced = (o.exactly !== undefined && clusters > o.exactly) || (o.atMost !== undefined && clusters > o.atMost)
    if (c > 0 && !forced) break
    if (o.exactly !== undefined && clusters <= o.exactly) break
    stats[i].merge(stats[j])
    logDet[i] = stats[i].logDet()
    voiced[i] += voiced[j]
    pitchSum[i] += pitchSum[j]
    active[j] = 0
    for (let k = 0; k < n; k++) if (owner[k] === j) owner[k] = i
    clusters--
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === i) continue
      cost[i * n + k] = cost[k * n + i] = pair(i, k)
    }
    for (let k = 0; k < n; k++) {
      if (!active[k]) continue
      if (k === i || best[k] === i || best[k] === j) rescan(k)
      else if (cost[k * n + i] < cost[k * n + best[k]]) best[k] = i
    }
  }
  // Renumber 0..k-1 by first appearance.
  const names = new Map<number, number>()
  return Int32Array.from(owner, (c) => {
    if (!names.has(c)) names.set(c, names.size)
    return names.get(c) as number
  })
}
