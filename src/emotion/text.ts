import Sentiment from 'sentiment'
import { LEXICON, NEGATORS, type CueLabel } from './lexicon.js'

export interface TextCues {
  /** lexical polarity, -1..1 */
  polarity: number
  /** evidence for each non-neutral label; 0 when the text says nothing about it */
  scores: Record<CueLabel, number>
  /** words and phrases that contributed, for the result's cues */
  hits: string[]
  words: number
}

const afinn = new Sentiment()
const QUESTION_START = /^(what|how|why|where|which|who|when|do|does|did|is|are|can|could|would|should|will)\b/
const CONTRACTIONS: [RegExp, string][] = [
  [/\bcan't\b/g, 'can not'],
  [/\bwon't\b/g, 'will not'],
  [/\b(\w+)n't\b/g, '$1 not'],
  [/\bi'm\b/g, 'i am'],
  [/\b(\w+)'re\b/g, '$1 are'],
  [/\b(\w+)'ve\b/g, '$1 have'],
  [/\b(\w+)'ll\b/g, '$1 will']
]
const PATTERNS = LEXICON.map(([phrase, weights]) => ({
  phrase,
  weights,
  single: !phrase.includes(' '),
  re: new RegExp(`\\b${phrase.replace(/\*/g, "[a-z0-9']+")}\\b`, 'g')
}))

/** Lower case, plain apostrophes, contractions expanded, punctuation removed. */
export function normalise(text: string): string {
  let out = text.toLowerCase().replace(/[\u2018\u2019]/g, "'")
  for (const [re, to] of CONTRACTIONS) out = out.replace(re, to)
  return out
    .replace(/[^a-z0-9'\s]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Reads what the words say: polarity from AFINN (the `sentiment` package, which already flips
 * a word after "not"), and which emotion from our lexicon plus question and hedging patterns.
 * It cannot see sarcasm, and a recogniser's mistakes become its mistakes.
 */
export function readText(text: string): TextCues {
  const plain = normalise(text)
  const tokens = plain ? plain.split(' ') : []
  const scores: Record<CueLabel, number> = { happy: 0, satisfied: 0, angry: 0, frustrated: 0, confused: 0, sad: 0 }
  const hits: string[] = []
  let phrasePolarity = 0

  for (const { phrase, weights, single, re } of PATTERNS) {
    for (const match of plain.matchAll(re)) {
      const before = tokens.slice(0, countTokens(plain, match.index)).slice(-3)
      const negated = single && before.some((t) => NEGATORS.has(t))
      for (const [label, weight] of Object.entries(weights) as [CueLabel, number][]) {
        // "not happy" reads as mild frustration; "not angry" is simply no evidence.
        if (negated && (label === 'happy' || label === 'satisfied')) scores.frustrated += weight * 0.6
        else if (!negated) scores[label] += weight
        if (!single) phrasePolarity += label === 'happy' || label === 'satisfied' ? weight : label === 'confused' ? 0 : -weight
      }
      hits.push(negated ? `not ${phrase}` : match[0])
    }
  }

  const questions = countQuestions(text)
  if (questions > 0) {
    scores.confused += Math.min(questions, 3) * 0.5
    hits.push(questions === 1 ? 'question' : `${questions} questions`)
  }
  // AFINN word scores run -5..5; a few strong words saturate the scale, as listeners do.
  const polarity = Math.tanh((afinn.analyze(text).score + phrasePolarity * 0.5) / 6)
  return { polarity, scores, hits: [...new Set(hits)], words: tokens.length }
}

function countTokens(plain: string, index: number): number {
  const head = plain.slice(0, index).trim()
  return head ? head.split(' ').length : 0
}

/** Question marks, or when the recogniser gave no punctuation, clauses that open like a question. */
function countQuestions(text: string): number {
  const marks = (text.match(/\?/g) ?? []).length
  if (marks > 0 || /[.!]/.test(text)) return marks
  return text.split(/[,;]/).filter((clause) => QUESTION_START.test(normalise(clause))).length
}
