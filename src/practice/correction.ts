import type { Mistake, MistakeCategory } from './types.js'

/** Which of two mistakes on the same words wins: the more specific diagnosis first. */
const PRIORITY: MistakeCategory[] = [
  'past_tense',
  'be_with_verb',
  'continuous',
  'there_are',
  'agreement',
  'verb_form',
  'double_negative',
  'uncountable',
  'redundancy',
  'article',
  'article_an',
  'repetition',
  'spelling',
  'capitalization',
  'general'
]

/** Most edits one correction makes: beyond that it stops reading as the learner's own sentence. */
const MAX_EDITS = 3

export interface Correction {
  /** the mistake the explanation is about */
  main: Mistake
  /** every mistake fixed in `corrected` (main among them), in text order */
  fixed: Mistake[]
  corrected: string
  /** "<original> → <corrected>", the form the app shows */
  display: string
}

/** A span of the text the recogniser was unsure of: no mistake touching it is corrected. */
export interface UnsureSpan {
  start: number
  end: number
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end

const rank = (m: Mistake) => [-m.severity, m.source === 'rules' ? 0 : 1, PRIORITY.indexOf(m.category), m.start]

function compare(a: Mistake, b: Mistake): number {
  const [ra, rb] = [rank(a), rank(b)]
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i]
  return 0
}

/**
 * The learner's sentence with its mistakes fixed, most important first: each fix a minimal edit of
 * the words involved, at most MAX_EDITS, none on words the recogniser was unsure of. Undefined when
 * nothing is left to correct.
 */
export function correct(text: string, mistakes: Mistake[], unsure: UnsureSpan[] = []): Correction | undefined {
  const chosen: Mistake[] = []
  for (const m of [...mistakes].sort(compare)) {
    if (chosen.length === MAX_EDITS) break
    if (unsure.some((u) => overlaps(u, m) || (m.start === m.end && u.start <= m.start && m.start <= u.end))) continue
    if (chosen.some((c) => overlaps(c, m) || (c.start === m.start && c.end === m.end))) continue
    if (text.slice(m.start, m.end) === m.replacement) continue
    chosen.push(m)
  }
  if (!chosen.length) return undefined
  const fixed = [...chosen].sort((a, b) => a.start - b.start)
  let corrected = text
  for (const m of [...fixed].reverse()) corrected = corrected.slice(0, m.start) + m.replacement + corrected.slice(m.end)
  corrected = corrected.replace(/ {2,}/g, ' ').trim()
  return { main: chosen[0], fixed, corrected, display: `${text.trim()} → ${corrected}` }
}

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)

/** Word-level edit distance, for judging whether a proposed correction keeps the learner's words. */
export function wordEdits(a: string, b: string): number {
  const x = words(a)
  const y = words(b)
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const row = [i]
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[y.length]
}

/**
 * Whether a model's corrected sentence is a minimal edit of the learner's: it changes something, at
 * most a few words (three, or a quarter of a long sentence), and not a word the recogniser was unsure of.
 */
export function isMinimalEdit(original: string, proposed: string, unsureWords: string[] = []): boolean {
  const edits = wordEdits(original, proposed)
  if (edits === 0 || edits > Math.max(3, Math.ceil(words(original).length / 4))) return false
  const kept = new Set(words(proposed))
  return unsureWords.every((w) => kept.has(w.toLowerCase()))
}
