/** Kinds of mistakes the tutor explains; each has its own Hinglish template (hinglish.ts). */
export type MistakeCategory =
  | 'continuous'
  | 'be_with_verb'
  | 'past_tense'
  | 'there_are'
  | 'agreement'
  | 'verb_form'
  | 'uncountable'
  | 'article'
  | 'article_an'
  | 'double_negative'
  | 'repetition'
  | 'redundancy'
  | 'spelling'
  | 'capitalization'
  | 'general'

/** How much a mistake gets in the way of being understood: 3 changes the meaning or grammar, 0 is cosmetic. */
export type Severity = 0 | 1 | 2 | 3

/** One mistake found in the learner's sentence: replace text[start, end) with `replacement`. */
export interface Mistake {
  category: MistakeCategory
  start: number
  end: number
  replacement: string
  severity: Severity
  source: 'rules' | 'harper' | 'llm'
  /** words the explanation names, e.g. the time word that asks for the past tense */
  hint?: string
}

/** A word as typed, with its place in the text. */
export interface Token {
  text: string
  lower: string
  start: number
  end: number
}

export function tokenize(text: string): Token[] {
  return [...text.matchAll(/[A-Za-z]+(?:'[A-Za-z]+)?|\d+/g)].map((m) => ({
    text: m[0],
    lower: m[0].toLowerCase(),
    start: m.index,
    end: m.index + m[0].length
  }))
}
