import type { Segment, Transcript, Word } from '../types.js'
import { FRAMES_PER_SECOND, type NativeResult } from './native.js'

/** One decoded utterance and where it starts in the recording, in seconds. */
export interface DecodedSpan {
  offset: number
  result: NativeResult
}

const round = (s: number) => Math.round(s * 1000) / 1000

/** Turns per-utterance decoder output into one transcript with absolute times. */
export function toTranscript(spans: DecodedSpan[], duration: number, withWords: boolean): Transcript {
  const words: Word[] = []
  const segments: Segment[] = []
  for (const { offset, result } of spans) {
    const spanWords = result.words
      .map((w) => ({
        word: w.word,
        start: round(offset + w.start / FRAMES_PER_SECOND),
        end: round(Math.min(duration, offset + w.end / FRAMES_PER_SECOND)),
        confidence: round(w.confidence)
      }))
      // The decoder pads the last feature window, so it can place a word after the audio ends.
      .filter((w) => w.start < w.end)
    if (spanWords.length === 0) continue
    // Whisper-style avg_logprob: the mean natural log of the word posteriors.
    const logprob = spanWords.reduce((sum, w) => sum + Math.log(Math.max(w.confidence, 1e-6)), 0) / spanWords.length
    segments.push({
      id: segments.length,
      start: spanWords[0].start,
      end: spanWords[spanWords.length - 1].end,
      text: spanWords.map((w) => w.word).join(' '),
      avg_logprob: round(logprob)
    })
    if (withWords) words.push(...spanWords)
  }
  return {
    text: segments.map((s) => s.text).join(' '),
    language: 'en',
    duration: round(duration),
    words,
    segments
  }
}
