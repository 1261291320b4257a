/**
 * Diarization error rate, scored the NIST way: (missed speech + false alarm + speaker confusion) divided by
 * the total reference speech, after mapping hypothesis speakers to reference speakers so that they agree
 * as much as possible. Time is sampled every 10 ms; a collar around every reference boundary is not scored,
 * because nobody can say to the millisecond where a turn begins.
 */

export interface Turn {
  speaker: string
  start: number
  end: number
}

export interface DerBreakdown {
  /** (missed + falseAlarm + confusion) / scored; 0 when there is no reference speech and no hypothesis */
  rate: number
  /** seconds, each weighted by the number of speakers involved */
  missed: number
  falseAlarm: number
  confusion: number
  /** seconds of reference speech scored */
  scored: number
  /** hypothesis label -> reference label */
  mapping: Record<string, string>
}

const STEP = 0.01

export function diarizationErrorRate(reference: Turn[], hypothesis: Turn[], opts: { collar?: number } = {}): DerBreakdown {
  const collar = opts.collar ?? 0.25
  const end = Math.max(0, ...reference.map((t) => t.end), ...hypothesis.map((t) => t.end))
  const frames = Math.ceil(end / STEP)
  const refSpeakers = [...new Set(reference.map((t) => t.speaker))]
  const hypSpeakers = [...new Set(hypothesis.map((t) => t.speaker))]
  const ref = activity(reference, refSpeakers, frames)
  const hyp = activity(hypothesis, hypSpeakers, frames)

  const scoredFrame = new Uint8Array(frames).fill(1)
  for (const t of reference) {
    for (const edge of [t.start, t.end]) {
      for (let f = Math.max(0, Math.ceil((edge - collar) / STEP)); f < Math.min(frames, (edge + collar) / STEP); f++) scoredFrame[f] = 0
    }
  }

  // overlap[h][r]: scored frames where both are talking, the quantity the mapping maximises.
  const overlap = hypSpeakers.map((_, h) => refSpeakers.map((_, r) => countBoth(hyp[h], ref[r], scoredFrame)))
  const pairs = bestMapping(overlap)
  let missed = 0
  let falseAlarm = 0
  let confusion = 0
  let scored = 0
  for (let f = 0; f < frames; f++) {
    if (!scoredFrame[f]) continue
    const nRef = ref.reduce((n, a) => n + a[f], 0)
    const nHyp = hyp.reduce((n, a) => n + a[f], 0)
    const correct = pairs.reduce((n, [h, r]) => n + (hyp[h][f] & ref[r][f]), 0)
    scored += nRef
    missed += Math.max(0, nRef - nHyp)
    falseAlarm += Math.max(0, nHyp - nRef)
    confusion += Math.min(nRef, nHyp) - correct
  }
  const errors = missed + falseAlarm + confusion
  return {
    rate: scored > 0 ? errors / scored : errors > 0 ? 1 : 0,
    missed: missed * STEP,
    falseAlarm: falseAlarm * STEP,
    confusion: confusion * STEP,
    scored: scored * STEP,
    mapping: Object.fromEntries(pairs.map(([h, r]) => [hypSpeakers[h], refSpeakers[r]]))
  }
}

function activity(turns: Turn[], speakers: string[], frames: number): Uint8Array[] {
  const out = speakers.map(() => new Uint8Array(frames))
  for (const t of turns) {
    const a = out[speakers.indexOf(t.speaker)]
    for (let f = Math.max(0, Math.round(t.start / STEP)); f < Math.min(frames, Math.round(t.end / STEP)); f++) a[f] = 1
  }
  return out
}

function countBoth(a: Uint8Array, b: Uint8Array, mask: Uint8Array): number {
  let n = 0
  for (let f = 0; f < a.length; f++) n += a[f] & b[f] & mask[f]
  return n
}

/**
 * One-to-one assignment maximising total overlap, by dynamic programming over which reference speakers
 * are taken: exact, and instant for the handful of speakers a call has.
 */
function bestMapping(overlap: number[][]): [number, number][] {
  const refs = overlap[0]?.length ?? 0
  if (refs > 16) throw new RangeError('diarizationErrorRate maps at most 16 reference speakers')
  const memo = new Map<string, { score: number; pairs: [number, number][] }>()
  const solve = (h: number, used: number): { score: number; pairs: [number, number][] } => {
    if (h === overlap.length) return { score: 0, pairs: [] }
    const key = `${h}:${used}`
    const hit = memo.get(key)
    if (hit) return hit
    let best = solve(h + 1, used)
    for (let r = 0; r < refs; r++) {
      if (used & (1 << r) || overlap[h][r] === 0) continue
      const rest = solve(h + 1, used | (1 << r))
      if (rest.score + overlap[h][r] > best.score) best = { score: rest.score + overlap[h][r], pairs: [[h, r], ...rest.pairs] }
    }
    memo.set(key, best)
    return best
  }
  return solve(0, 0).pairs
}
