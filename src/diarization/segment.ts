/**
 * Speaker segmentation, the first two steps of the classic BIC recipe: cut speech regions where the
 * second before a point and the second after it are better explained by two Gaussians than by one
 * (over-cutting is cheap, clustering rejoins the pieces), then merge neighbouring segments that one
 * Gaussian explains well enough, so that clustering starts from pieces long enough to describe a voice.
 */
import { deltaBic, Stats } from './gaussian.js'

/** A stretch of speech frames [start, end) in the recording's frame index. */
export interface Span {
  start: number
  end: number
}

export interface Segment {
  spans: Span[]
  stats: Stats
}

export interface SegmentOptions {
  /** frames each side of a candidate change */
  window: number
  /** candidate changes are tried every `step` frames */
  step: number
  /** BIC penalty weight for a change inside a region */
  lambdaChange: number
  /** BIC penalty weight for keeping two neighbouring segments apart */
  lambdaLinear: number
  /** frames a merged segment may grow to */
  maxLinear: number
}

/** Frame indices inside [start, end) where the voice probably changes. `x` holds every frame's cepstra. */
export function changePoints(x: Float32Array, region: Span, o: SegmentOptions): number[] {
  const { start, end } = region
  const min = Math.round(o.window / 2)
  if (end - start < 2 * min) return []
  const scores: { at: number; score: number }[] = []
  // Both windows slide by `step` frames: frames enter and leave the running statistics, none is re-read.
  const left = new Stats()
  const right = new Stats()
  let [l0, l1, r0, r1] = [start, start, start, start]
  for (let t = start + min; t <= end - min; t += o.step) {
    const [a, b] = [Math.max(start, t - o.window), Math.min(end, t + o.window)]
    for (; l1 < t; l1++) left.add(x, l1)
    for (; l0 < a; l0++) left.add(x, l0, -1)
    for (; r1 < b; r1++) right.add(x, r1)
    for (; r0 < t; r0++) right.add(x, r0, -1)
    scores.push({ at: t, score: deltaBic(left, right, o.lambdaChange) })
  }
  // Strongest first, one change per window: a turn shorter than a window rarely holds two changes.
  const picked: number[] = []
  for (const s of scores.sort((a, b) => b.score - a.score)) {
    if (s.score <= 0) break
    if (picked.every((p) => Math.abs(p - s.at) >= min)) picked.push(s.at)
  }
  return picked.sort((a, b) => a - b)
}

/** Cuts every region at its change points and merges neighbours that look like one voice. */
export function segment(x: Float32Array, regions: Span[], o: SegmentOptions): Segment[] {
  const pieces: Segment[] = []
  for (const r of regions) {
    const cuts = [r.start, ...changePoints(x, r, o), r.end]
    for (let i = 0; i + 1 < cuts.length; i++) {
      if (cuts[i + 1] <= cuts[i]) continue
      pieces.push({ spans: [{ start: cuts[i], end: cuts[i + 1] }], stats: new Stats().addRange(x, cuts[i], cuts[i + 1]) })
    }
  }
  const merged: Segment[] = []
  for (const p of pieces) {
    const last = merged.at(-1)
    // A segment stops growing at `maxLinear` frames: the penalty grows with the segment, and one that
    // has swallowed a missed change would go on swallowing every short turn after it.
    if (last && last.stats.n < o.maxLinear && deltaBic(last.stats, p.stats, o.lambdaLinear) < 0) {
      last.spans.push(...p.spans)
      last.stats.merge(p.stats)
    } else merged.push(p)
  }
  return merged
}
