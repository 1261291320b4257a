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
}

/** Cluster index of every item; items are given by their statistics (which are not modified). */
export function clusterByBic(items: Stats[], o: ClusterOptions): Int32Array {
  const n = items.length
  const stats = items.map((s) => new Stats().merge(s))
  const logDet = stats.map((s) => s.logDet())
  const active = new Uint8Array(n).fill(1)
  const owner = Int32Array.from({ length: n }, (_, i) => i)
  // Costs of every pair, with each row's cheapest partner cached so a merge rescans only what changed.
  const cost = new Float64Array(n * n).fill(Infinity)
  const pair = (i: number, j: number) => deltaBic(stats[i], stats[j], o.lambda, [logDet[i], logDet[j]], o.cap)
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
