/**
 * The built-in diarizer, start to finish, as one synchronous function (it runs on a worker thread):
 * energy VAD -> 1.5 s windows of voice statistics -> average-linkage clustering with the speaker count
 * read from the dendrogram -> centroid refinement -> smoothed turns.
 */
import { detectSpeech } from '../audio/vad.js'
import { averageLinkage, cosineDistances, largestClusters, significantMerges } from './cluster.js'
import { embedWindows, type WindowEmbedding } from './embed.js'
import { buildTurns } from './turns.js'
import type { DiarizationResult } from './types.js'

export interface DiarizeSettings {
  speakersExpected?: number
  maxSpeakers?: number
}

const WINDOW = { window: 1.5, hop: 0.75 }
// Windows this short (a lone "yes") describe the words more than the voice: they are labelled by
// their nearest cluster instead of shaping the clusters.
const MIN_CLUSTER_WINDOW = 0.5
// A voice must hold this share of the windows to count as a speaker of its own (about 3 s in a minute).
const MIN_SPEAKER_SHARE = 0.05
// Measured on synthetic calls: one voice's last merges rise gently (ratio < 1.2, distance ~1.0-1.15);
// a real speaker split jumps by 1.7x or more to 1.15-1.7.
const MIN_JUMP = 1.4
const MIN_SPLIT_DISTANCE = 1.0
// Too few windows to tell a second voice from chance.
const MIN_WINDOWS_TO_SPLIT = 4

export function diarizeSamples(samples: Float32Array, settings: DiarizeSettings = {}): DiarizationResult {
  const regions = detectSpeech(samples)
  const { segments, windows } = embedWindows(samples, regions, WINDOW)
  if (windows.length === 0) return { turns: [], speakers: [] }

  let core = windows.filter((w) => w.end - w.start >= MIN_CLUSTER_WINDOW)
  if (core.length < 2) core = windows
  const merges = averageLinkage(cosineDistances(core.map((w) => w.vector)), core.length)
  const significant = significantMerges(merges, core.length, Math.max(2, Math.round(MIN_SPEAKER_SHARE * core.length)))
  const k = speakerCount(significant, core.length, settings)
  // Refusing the last k-1 significant merges leaves k voices, plus stragglers that the centroids absorb.
  const refused = k - 1 <= significant.length ? significant : merges.map((m) => m.distance)
  const threshold = k > 1 ? refused[refused.length - k + 1] : Infinity
  const seeds = largestClusters(merges, core.length, threshold, k)
  const centroids = refine(core, seeds)
  const labels = Int32Array.from(windows, (w) => nearest(w.vector, centroids))
  return buildTurns(segments, windows, labels)
}

function speakerCount(significant: number[], n: number, s: DiarizeSettings): number {
  if (s.speakersExpected) return Math.max(1, Math.min(s.speakersExpected, n))
  if (n < MIN_WINDOWS_TO_SPLIT) return 1
  const m = significant.length
  const max = Math.max(1, Math.min(s.maxSpeakers ?? 6, m))
  // Splitting into k voices refuses the last k-1 significant merges: a good split refuses a merge far
  // costlier than the last one it accepts.
  let best = 1
  let bestJump = MIN_JUMP
  for (let k = 2; k <= max && m - k >= 0; k++) {
    const refused = significant[m - k + 1]
    const jump = refused / Math.max(significant[m - k], 1e-6)
    if (refused >= MIN_SPLIT_DISTANCE && jump > bestJump) [best, bestJump] = [k, jump]
  }
  return best
}

/**
 * A few k-means steps from the dendrogram's clusters: average linkage fixes the count and the rough
 * grouping, centroids then pull back windows that an early, greedy merge put on the wrong side.
 */
function refine(windows: WindowEmbedding[], seeds: number[][]): Float64Array[] {
  const labels = new Int32Array(windows.length).fill(-1)
  seeds.forEach((members, c) => members.forEach((i) => (labels[i] = c)))
  let centroids = centroidsOf(windows, labels, seeds.length)
  for (let iter = 0; iter < 5; iter++) {
    let changed = false
    windows.forEach((w, i) => {
      const l = nearest(w.vector, centroids)
      if (l === labels[i]) return
      labels[i] = l
      changed = true
    })
    if (!changed) break
    centroids = centroidsOf(windows, labels, seeds.length)
  }
  return centroids
}

/** Mean direction of each cluster's members; label -1 (not yet assigned) is skipped. */
function centroidsOf(windows: WindowEmbedding[], labels: Int32Array, k: number): Float64Array[] {
  const dims = windows[0].vector.length
  const sums = Array.from({ length: k }, () => new Float64Array(dims))
  windows.forEach((w, i) => {
    if (labels[i] < 0) return
    const norm = Math.hypot(...w.vector) || 1
    for (let d = 0; d < dims; d++) sums[labels[i]][d] += w.vector[d] / norm
  })
  // An emptied cluster keeps a zero centroid, which nearest() never picks.
  return sums
}

function nearest(v: Float64Array, centroids: Float64Array[]): number {
  let best = 0
  let bestSim = -Infinity
  centroids.forEach((c, i) => {
    let dot = 0
    for (let d = 0; d < v.length; d++) dot += v[d] * c[d]
    const norm = Math.hypot(...c)
    const sim = norm ? dot / norm : -Infinity
    if (sim > bestSim) [best, bestSim] = [i, sim]
  })
  return best
}
