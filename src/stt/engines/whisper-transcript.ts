import type { Segment, Transcript, Word } from '../types.js'
import { toLanguageCode } from './languages.js'
import { UNKNOWN_CONFIDENCE, round } from './transcript.js'
import type { RawSegment } from './whisper-process.js'

/** A pause this long between words starts a new segment even without sentence-ending punctuation. */
const PAUSE_SECONDS = 0.8

/**
 * Builds a Transcript from whisper.cpp output. In word mode every whisper segment is one word, and
 * segments are rebuilt from them at sentence ends and pauses. The binding exposes no token
 * probabilities, so word confidence is UNKNOWN_CONFIDENCE.
 */
export function toWhisperTranscript(raw: RawSegment[], words: boolean, language: string, duration: number): Transcript {
  const pieces = raw.map((s) => ({ text: s.text.trim(), start: round(s.start), end: round(s.end) })).filter((s) => s.text && !isSpecial(s.text))
  if (!words) {
    const segments: Segment[] = pieces.map((p, id) => ({ id, ...p }))
    return { text: segments.map((s) => s.text).join(' '), language: toLanguageCode(language), duration: round(duration), words: [], segments }
  }

  const wordList: Word[] = []
  for (const p of pieces) {
    // Punctuation split off by whisper belongs to the word before it.
    const previous = wordList[wordList.length - 1]
    if (previous && /^[.,!?;:%)\]]+$/.test(p.text)) {
      previous.word += p.text
      previous.end = p.end
    } else {
      wordList.push({ word: p.text, start: p.start, end: p.end, confidence: UNKNOWN_CONFIDENCE })
    }
  }

  const segments: Segment[] = []
  let current: Word[] = []
  const flush = () => {
    if (current.length === 0) return
    segments.push({ id: segments.length, start: current[0].start, end: current[current.length - 1].end, text: current.map((w) => w.word).join(' ') })
    current = []
  }
  for (const w of wordList) {
    const last = current[current.length - 1]
    if (last && w.start - last.end >= PAUSE_SECONDS) flush()
    current.push(w)
    if (/[.!?]["')\]]?$/.test(w.word)) flush()
  }
  flush()
  return { text: segments.map((s) => s.text).join(' '), language: toLanguageCode(language), duration: round(duration), words: wordList, segments }
}

/** whisper.cpp marks non-speech with bracketed tags such as [BLANK_AUDIO] or [MUSIC]. */
function isSpecial(text: string): boolean {
  return /^\[[A-Z_ ]+\]$/.test(text) || /^\([a-z ]+\)$/i.test(text)
}
