import type { AnalysisInput } from '../types.js'

/** One sentence of the conversation, as the builtin analyzer sees it. */
export interface Sentence {
  speaker: string
  /** lowercase words without punctuation, for matching cues */
  plain: string
  /** the sentence as it will be shown: capitalised and punctuated */
  display: string
  start: number
  end: number
  emotion?: string
  sentiment?: string
}

/** Lowercase words for matching cues: apostrophes kept, any other non-letter, non-digit is a space. */
export function plainText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

// Phrases that begin a new sentence even mid-utterance; a recogniser's lowercase run-on text has no
// other boundary than the turn, and a turn often holds a greeting plus the actual request.
const STARTERS = new RegExp(
  '^(hi|hello|hey|thanks|thank you|okay|ok|alright|anyway|sorry|no problem|this is|my name is|how can i|how may i|is there|' +
    "have a (nice|good|great)|i'm calling|i am calling|i want|i'd like|i would like|i need|i was|i must|i will|i'll|" +
    "can you|could you|can i|please|let me|there's no)\\b"
)
// A sentence does not end on a word that needs a continuation ("i think | i want").
const OPEN_ENDED = /^(and|or|but|to|for|you|said|say|that|because|if|so|think|know|guess|when|what|the|a|an|my|of|is|was|am|are|hi|hello|hey)$/
export const QUESTION = /^(how|what|when|where|why|who|which|whose|can|could|would|will|do|does|did|is|are|was|were|should|shall|may|have you|has)\b/
const PROPER =
  /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|august|september|october|november|december)\b/g

/** Splits one turn of unpunctuated words where a new sentence plainly starts; needs two words on each side. */
export function splitRunOn(words: string[]): string[][] {
  const out: string[][] = [[]]
  words.forEach((w, i) => {
    const current = out[out.length - 1]
    const rest = words.slice(i, i + 4).join(' ')
    if (current.length >= 2 && words.length - i >= 2 && STARTERS.test(rest) && !OPEN_ENDED.test(current[current.length - 1])) out.push([w])
    else current.push(w)
  })
  return out.filter((s) => s.length)
}

/** Weekday and month names capitalised, and the pronoun I. */
export const properCase = (s: string) =>
  s
    .replace(/\bi\b/g, 'I')
    .replace(/\bi'(m|ll|d|ve)\b/g, "I'$1")
    .replace(PROPER, (m) => m[0].toUpperCase() + m.slice(1))

/** Capitalises and punctuates a recogniser's lowercase sentence; leaves already-written text alone. */
export function present(words: string, names: string[] = []): string {
  let s = words.trim()
  if (!s) return s
  if (s === s.toLowerCase()) {
    s = properCase(s)
    for (const name of names) s = s.replace(new RegExp(`\\b${name.toLowerCase().replace(/[^\w ]/g, '')}\\b`, 'g'), name)
  }
  s = s[0].toUpperCase() + s.slice(1)
  if (!/[.!?]$/.test(s)) s += QUESTION.test(s.toLowerCase()) ? '?' : '.'
  return s
}

/**
 * Sentences in spoken order. Written text is split at its punctuation; recogniser text (no
 * punctuation) at turns and at phrases that start a sentence. Without diarization the transcript
 * stands in as one speaker-less turn.
 */
export function sentencesOf(input: AnalysisInput, names: string[] = []): Sentence[] {
  const turns = input.utterances.length
    ? input.utterances
    : input.transcript.trim()
      ? [{ speaker: '', start: 0, end: input.durationSeconds, text: input.transcript }]
      : []
  return turns
    .flatMap((u) => {
      const written = /[.!?,]/.test(u.text) || u.text !== u.text.toLowerCase()
      const pieces = written
        ? u.text
            .split(/(?<=[.!?])\s+/)
            .map((s) => s.trim())
            .filter(Boolean)
        : splitRunOn(plainText(u.text).split(' ').filter(Boolean)).map((ws) => ws.join(' '))
      const span = (u.end - u.start) / Math.max(1, pieces.length)
      return pieces.map((p, i) => ({
        speaker: u.speaker,
        plain: plainText(p),
        display: present(p, names),
        start: u.start + i * span,
        end: u.start + (i + 1) * span,
        emotion: u.emotion,
        sentiment: u.sentiment
      }))
    })
    .filter((s) => s.plain)
}

export const STOPWORDS = new Set(
  (
    'a an the and or but if so of to in on at by for with from as is are was were be been being am do does did have has had i you he she ' +
    'it we they me him her us them my your his its our their this that these those there here what which who whom when where why how ' +
    'not no yes yeah ok okay oh um uh just can could would will shall should may might must also very really then than too all any ' +
    'some one about up out over into just get got go going gonna want like know think well hi hello thanks thank please sure right ' +
    "i'm you're it's that's i'll i'd i've don't can't won't didn't doesn't isn't let's we're they're there's what's"
  ).split(' ')
)

export const contentWords = (plain: string) => plain.split(' ').filter((w) => w.length > 2 && !STOPWORDS.has(w))
