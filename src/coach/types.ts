/** A recognised word of the learner's answer; times are seconds from the start of that answer. */
export interface CoachWord {
  word: string
  start: number
  end: number
  /** the recogniser's confidence in [0, 1] */
  confidence: number
}

/** One learner answer as the analysis sees it. */
export interface LearnerAnswer {
  seq: number
  part: 1 | 2 | 3
  questionId?: string | null
  text: string
  words: CoachWord[]
}

export type Criterion = 'fluency_coherence' | 'lexical_resource' | 'grammatical_range_accuracy' | 'pronunciation'

export const CRITERIA: readonly Criterion[] = ['fluency_coherence', 'lexical_resource', 'grammatical_range_accuracy', 'pronunciation']

export const CRITERION_NAMES: Record<Criterion, string> = {
  fluency_coherence: 'Fluency and Coherence',
  lexical_resource: 'Lexical Resource',
  grammatical_range_accuracy: 'Grammatical Range and Accuracy',
  pronunciation: 'Pronunciation'
}

export type ErrorType =
  'article' | 'agreement' | 'plural' | 'tense' | 'preposition' | 'word_order' | 'comparative' | 'pronoun' | 'verb_form' | 'filler' | 'repetition' | 'grammar'

export interface LearnerError {
  type: ErrorType
  /** the learner's words, as recognised */
  text: string
  correction: string
  explanation: string
  /** seconds from the start of the session's speech (answers laid end to end) */
  start: number
  end: number
  source: 'rule' | 'grammar' | 'llm'
  /** the lowest recogniser confidence among the words involved */
  confidence: number
  /** the answer it was found in */
  seq: number
  /** set when the pattern is typical of speakers of this first language */
  l1?: string
}

/** Fluency markers are not grammar: they count toward fluency, not toward error density. */
export const FLUENCY_TYPES: readonly ErrorType[] = ['filler', 'repetition']
