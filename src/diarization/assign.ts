import type { Utterance as WireUtterance } from '../schemas/conversation.js'
import type { SpeakerTurn } from './types.js'

interface TimedWord {
  word: string
  start: number
  end: number
}

/** What diarization makes of the words: an Utterance as a call record stores it, before emotion analysis. */
export type Utterance = Pick<WireUtterance, 'speaker' | 'start' | 'end' | 'text'>

/**
 * Merges speakers into words and builds utterances; turns re-cut at word boundaries.
 *
 * Each word takes the speaker whose turn overlaps it most, or the nearest turn when it falls in a gap
 * (VAD and the recogniser disagree about where speech starts by a few tens of milliseconds). A turn boundary
 * in the middle of a word therefore moves to one side of it: words are never split. Without any turns,
 * every word belongs to speaker 'A'.
 */
export function assignSpeakers<W extends TimedWord>(words: W[], turns: SpeakerTurn[]): { words: (W & { speaker: string })[]; utterances: Utterance[] } {
  const sorted = [...turns].sort((a, b) => a.start - b.start)
  // Turns may overlap (another engine can report crosstalk), so "which turns could touch this word"
  // needs the running maximum of ends, not just the previous turn's end.
  const reach: number[] = []
  sorted.forEach((t, i) => (reach[i] = i > 0 && sorted[reach[i - 1]].end >= t.end ? reach[i - 1] : i))

  const labelled = words.map((w) => ({ ...w, speaker: speakerOf(w, sorted, reach) }))
  const utterances: Utterance[] = []
  for (const w of labelled) {
    const last = utterances.at(-1)
    if (last && last.speaker === w.speaker) {
      last.end = Math.max(last.end, w.end)
      last.text += ` ${w.word}`
    } else utterances.push({ speaker: w.speaker, start: w.start, end: w.end, text: w.word })
  }
  return { words: labelled, utterances }
}

/** `reach[i]` is the index of the turn ending last among turns 0..i. */
function speakerOf(w: TimedWord, turns: SpeakerTurn[], reach: number[]): string {
  if (turns.length === 0) return 'A'
  // First turn starting at or after the word's end: every turn that can overlap the word lies before it.
  let lo = 0
  let hi = turns.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (turns[mid].start < w.end) lo = mid + 1
    else hi = mid
  }
  let best: SpeakerTurn | undefined
  let bestOverlap = 0
  for (let i = lo - 1; i >= 0 && turns[reach[i]].end > w.start; i--) {
    const overlap = Math.min(w.end, turns[i].end) - Math.max(w.start, turns[i].start)
    if (overlap > bestOverlap) [best, bestOverlap] = [turns[i], overlap]
  }
  if (best) return best.speaker

  const before = lo > 0 ? turns[reach[lo - 1]] : undefined
  const after = turns[lo]
  if (!before) return (after as SpeakerTurn).speaker
  if (!after) return before.speaker
  return w.start - before.end <= after.start - w.end ? before.speaker : after.speaker
}
