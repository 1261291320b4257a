/**
 * Average-linkage agglomerative clustering of window embeddings by cosine distance.
 *
 * The nearest-neighbour-chain algorithm builds the whole dendrogram in O(n²) time and memory, so an hour
 * of audio (~5000 windows) stays within a second or two; the cut is chosen afterwards, either at a given
 * speaker count or where the merge distances jump.
 */

export interface Merge {
  a: number
  b: number
  distance: number
}

export function cosineDistances(vectors: Float64Array[]): Float64Array {
  const n = vectors.length
  const unit = vectors.map((v) => {
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1
    return v.map((x) => x / norm)
  })
  const d = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let dot = 0
      const [u, v] = [unit[i], unit[j]]
      for (let k = 0; k < u.length; k++) dot += u[k] * v[k]
      d[i * n + j] = d[j * n + i] = 1 - dot
    }
  }
  return d
}

/** The n-1 merges of average linkage, sorted by distance. `distances` is consumed. */
export function averageLinkage(distances: Float64Array, n: number): Merge[] {
  const size = new Float64Array(n).fill(1)
  const active = new Uint8Array(n).fill(1)
  const merges: Merge[] = []
  const chain: number[] = []
  let remaining = n
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1))
    const top = chain[chain.length - 1]
    const prev = chain.length > 1 ? chain[chain.length - 2] : -1
    let nearest = -1
    let best = Infinity
    for (let j = 0; j < n; j++) {
      if (!active[j] || j === top) continue
      const d = distances[top * n + j]
      // Ties go to the previous chain link, which guarantees the chain ends in a mutual pair.
      if (d < best || (d === best && j === prev)) [best, nearest] = [d, j]
    }
    if (nearest !== prev) {
      chain.push(nearest)
      continue
    }
    chain.length -= 2
    // Lance-Williams update for average linkage: the merged cluster keeps index `top`.
    const [sa, sb] = [size[top], size[prev]]
    for (let j = 0; j < n; j++) {
      if (!active[j] || j === top || j === prev) continue
      const d = (sa * distances[top * n + j] + sb * distances[prev * n + j]) / (sa + sb)
      distances[top * n + j] = distances[j * n + top] = d
    }
    size[top] = sa + sb
    active[prev] = 0
    remaining--
    merges.push({ a: top, b: prev, distance: best })
  }
  return merges.sort((x, y) => x.distance - y.distance)
}

/**
 * Distances of the merges that join two clusters of at least `minSize` items each. A lone odd window
 * (a cough, a window straddling two voices) joins late and would blur the gap between "same voice" and
 * "different voices"; merges that merely absorb such stragglers are left out.
 */
export function significantMerges(merges: Merge[], n: number, minSize: number): number[] {
  const { find, size, union } = unionFind(n)
  const out: number[] = []
  for (const m of merges) {
    const [a, b] = [find(m.a), find(m.b)]
    if (size[a] >= minSize && size[b] >= minSize) out.push(m.distance)
    union(a, b)
  }
  return out
}

/** The `k` largest clusters left when every merge closer than `threshold` is applied, as item lists. */
export function largestClusters(merges: Merge[], n: number, threshold: number, k: number): number[][] {
  const { find, union } = unionFind(n)
  for (const m of merges) if (m.distance < threshold) union(find(m.a), find(m.b))
  const groups = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const root = find(i)
    const group = groups.get(root)
    if (group) group.push(i)
    else groups.set(root, [i])
  }
  return [...groups.values()].sort((x, y) => y.length - x.length).slice(0, k)
}

function unionFind(n: number) {
  const parent = Int32Array.from({ length: n }, (_, i) => i)
  const size = new Int32Array(n).fill(1)
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]]
    return i
  }
  const union = (a: number, b: number) => {
    if (a === b) return
    parent[b] = a
    size[a] += size[b]
  }
  return { find, size, union }
}
