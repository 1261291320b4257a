import { scoreBands, type CriterionScore } from './bands.js'
import { extractFeatures, type SpeechFeatures } from './features.js'
import type { GrammarChecker } from './grammar.js'
import { analyseErrors } from './learner-errors.js'
import { FLUENCY_TYPES, type LearnerAnswer, type LearnerError } from './types.js'

/** What can be said about pronunciation today, and what cannot. */
export interface PronunciationReport {
  status: 'not_assessed'
  reason: string
  /** measured, usable as rough intelligibility and rhythm signals */
  measured: { mean_word_confidence: number; low_confidence_share: number; words_per_minute: number; pause_ratio: number }
}

export interface DeepAnalysis {
  features: SpeechFeatures
  errors: LearnerError[]
  criteria: CriterionScore[]
  overall: number
  pronunciation: PronunciationReport
  /** milliseconds per step */
  timings: Record<string, number>
}

/** The deep analysis of a session's answers: features, errors (rules and grammar checker), bands with evidence. */
export async function analyseAnswers(answers: LearnerAnswer[], checker: GrammarChecker, firstLanguage?: string | null): Promise<DeepAnalysis> {
  const timings: Record<string, number> = {}
  let t = performance.now()
  const lap = (name: string) => {
    const now = performance.now()
    timings[name] = Math.round(now - t)
    t = now
  }
  const features = extractFeatures(answers)
  lap('features_ms')
  let errors = await analyseErrors(answers, checker, firstLanguage)
  // Patterns typical of another first language are kept, but only named as such for that language.
  errors = errors.map((e) => (e.l1 && e.l1 !== firstLanguage ? { ...e, l1: undefined } : e))
  lap('errors_ms')
  const grammar = errors.filter((e) => !FLUENCY_TYPES.includes(e.type))
  features.errorsPer100Words = features.words ? Math.round((grammar.length * 10000) / features.words) / 100 : 0
  const { criteria, overall } = scoreBands(answers, features, errors)
  lap('bands_ms')
  return {
    features,
    errors,
    criteria,
    overall,
    pronunciation: {
      status: 'not_assessed',
      reason:
        'Phoneme-level assessment (goodness of pronunciation from forced alignment against a free phone loop) is not available yet; the Pronunciation band is provisional and rests on the measures below.',
      measured: {
        mean_word_confidence: features.meanConfidence,
        low_confidence_share: features.lowConfidenceShare,
        words_per_minute: features.wordsPerMinute,
        pause_ratio: features.pauseRatio
      }
    },
    timings
  }
}
