import type { ErrorType } from './types.js'

/** One pattern found by a rule, by token positions in the answer. */
export interface RuleMatch {
  from: number
  /** exclusive */
  to: number
  type: ErrorType
  correction: string
  explanation: string
  /** set when the pattern is typical of speakers of this first language */
  l1?: string
}

/** Looks at the lower-cased, punctuation-free words of one answer at position `i`. */
export type Rule = (toks: string[], i: number) => RuleMatch | null

const VOWEL_SOUND = /^(a|e|i|o|u(?!ni|se|su|ro|ti)|hour|honest|honour)/

export const startsWithVowelSound = (word: string) => VOWEL_SOUND.test(word)

/** "a car", "an engineer", "an hour", "a university". */
export const withIndefiniteArticle = (phrase: string) => `${startsWithVowelSound(phrase) ? 'an' : 'a'} ${phrase}`
