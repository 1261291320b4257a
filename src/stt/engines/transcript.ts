import type { Segment, Transcript, Word } from '../types.js'

/**
 * Confidence given to words whose engine reports none (Gemini, local whisper through @napi-rs/whisper).
 * 1 means "not flagged": a made-up lower number would mark every word of those engines as doubtful.
 */
export const UNKNOWN_CONFIDENCE = 1

/**
 * Whisper's verbose_json has no per-word probability, only each segment's mean token log-probability.
 * exp(avg_logprob) is the geometric mean of the token probabilities: a fair stand-in for every word in it.
 */
export function confidenceFromLogprob(avgLogprob: number | undefined): number {
  if (avgLogprob === undefined || !Number.isFinite(avgLogprob)) return UNKNOWN_CONFIDENCE
  return Math.min(1, Math.max(0, Math.exp(avgLogprob)))
}

/**
 * Estimated word timings for engines that only time segments: the segment's span is shared among its
 * words in proportion to their length in characters, which tracks speaking time better than equal shares.
 */
export function spreadWords(text: string, start: number, end: number, confidence = UNKNOWN_CONFIDENCE): Word[] {
  const tokens = text.split(/\s+/).filter(Boolean)
  const total = tokens.reduce((sum, t) => sum + t.length, 0)
  const span = Math.max(0, end - start)
  let at = start
  return tokens.map((word) => {
    const length = total > 0 ? (span * word.length) / total : 0
    const w = { word, start: round(at), end: round(at + length), confidence }
    at += length
    return w
  })
}

/** One transcribed chunk, with its position in the whole recording. */
export interface ChunkResult {
  /** seconds from the start of the recording */
  offset: number
  transcript: Transcript
}

/** Joins chunk transcripts into one, moving times onto the recording's clock and renumbering segments. */
export function joinChunks(parts: ChunkResult[], duration: number, language?: string): Transcript {
  const words: Word[] = []
  const segments: Segment[] = []
  for (const { offset, transcript } of parts) {
    for (const w of transcript.words) words.push({ ...w, start: round(w.start + offset), end: round(w.end + offset) })
    for (const s of transcript.segments) segments.push({ ...s, id: segments.length, start: round(s.start + offset), end: round(s.end + offset) })
  }
  const text = parts
    .map((p) => p.transcript.text.trim())
    .filter(Boolean)
    .join(' ')
  // The first chunk that detected a language speaks for the recording; later chunks may be silence.
  const detected = parts.find((p) => p.transcript.language && p.transcript.language !== 'und')?.transcript.language
  return { text, language: language ?? detected ?? 'und', duration: round(duration), words, segments }
}

/** Millisecond precision: enough for captions, and it keeps JSON output short. */
export function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000
}
