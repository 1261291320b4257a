import { afinnScorer } from './afinn.js'
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

// AFINN scores "sorry" and "apologise" negative; said to a customer they are courtesy.
const afinn = afinnScorer('courtesy', { sorry: 0, apologize: 0, apologise: 0, apologies: 0, apologizes: 0, apologises: 0 })
/**
 * Apologies and sympathy ("i am so sorry to hear that", "sorry for the inconvenience", "i understand
 * how frustrating that must be") name someone else's trouble: their negative words are politeness,
 * not the speaker's mood. They are read as courtesy and left out of the scoring. Condolences keep
 * their lexicon entry ("sorry for your loss" reads as sad).
 */
const TROUBLE = 'inconvenience|trouble|wait|waiting|delay|confusion|frustration|mix up|problem|hassle|experience|mess|error|mistake|issue|that|this|it'
const COURTESY: RegExp[] = [
  new RegExp(
    `\\b(i am |we are )?(so |very |really |truly |terribly |deeply |sincerely )?(sorry|apologi[sz]e|apologies)( (to hear|about|for|that|if)( (that|this|the|any|all|it|about))*( (${TROUBLE}|you (had to|are leaving)|happened)\\w*)?)?\\b`,
    'g'
  ),
  /\b(i|we) (completely |totally |fully |really )?understand( (your|the) (frustration|concern|worry)| how (\w+ )?(frustrating|annoying|upsetting|stressful|difficult|inconvenient|worrying) (that|this|it) (is|must be|has been))?\b/g,
  /\b(that|this|it) must (be|have been) (so |very |really )?(frustrating|annoying|upsetting|stressful|difficult|awful|hard|worrying)\b/g,
  /\b(my|our) apologies\b/g,
  /\bi can (only )?imagine\b/g
]

const SYMPATHY = /\b(that'?s|that is|this is) (so |really |very |just )?(frustrating|annoying|awful|terrible|upsetting|stressful|horrible)\b/g

/** The text without its apologies and sympathy, and whether it had any. */
function withoutCourtesy(plain: string): { rest: string; courteous: boolean } {
  if (plain.includes('sorry for your loss')) return { rest: plain, courteous: false }
  const strip = (text: string) => COURTESY.reduce((t, re) => t.replace(re, ' '), text)
  let rest = strip(plain)
  // Beside an apology, "that's awful" sympathises with the listener ("i'm so sorry, that's awful").
  if (rest !== plain) rest = strip(plain.replace(SYMPATHY, ' '))
  rest = rest.replace(/\s+/g, ' ').trim()
  return { rest, courteous: rest !== plain }
}
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
 * Apologies and sympathy count as courtesy, not negativity.
 * It cannot see sarcasm, and a recogniser's mistakes become its mistakes.
 */
export function readText(text: string): TextCues {
  const normalised = normalise(text)
  const tokens = normalised ? normalised.split(' ') : []
  const { rest: plain, courteous } = withoutCourtesy(normalised)
  const scores: Record<CueLabel, number> = { happy: 0, satisfied: 0, angry: 0, frustrated: 0, confused: 0, sad: 0 }
  const hits: string[] = []
  let phrasePolarity = 0

  for (const { phrase, weights, single, re } of PATTERNS) {
    for (const match of plain.matchAll(re)) {
      const before = plain.split(' ').slice(0, countTokens(plain, match.index)).slice(-3)
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
  if (courteous) hits.push('apology or sympathy')
  const lexical = afinn(courteous ? plain : text)
  const polarity = Math.tanh((lexical + phrasePolarity * 0.5) / 6)
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
