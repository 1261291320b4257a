import { overallBand, scoreBands } from './bands.js'
import { extractFeatures } from './features.js'
import { ruleErrors } from './learner-errors.js'
import { FLUENCY_TYPES, type LearnerAnswer } from './types.js'

export interface FastSummary {
  words_spoken: number
  speaking_seconds: number
  words_per_minute: number
  long_pauses: number
  fillers: number
  top_error_types: Array<{ type: string; count: number }>
  /** from the same mapping as the deep analysis, with rule-based errors only */
  provisional_band: number
  /** how long the summary took to compute */
  computed_ms?: number
}

/** What the learner sees seconds after the session ends: measured in milliseconds, rules only. */
export function fastSummary(answers: LearnerAnswer[], firstLanguage?: string | null): FastSummary {
  const features = extractFeatures(answers)
  const errors = ruleErrors(answers, firstLanguage)
  const grammar = errors.filter((e) => !FLUENCY_TYPES.includes(e.type))
  features.errorsPer100Words = features.words ? Math.round((grammar.length * 10000) / features.words) / 100 : 0
  const counts = new Map<string, number>()
  for (const e of errors) counts.set(e.type, (counts.get(e.type) ?? 0) + 1)
  const { criteria } = scoreBands(answers, features, errors)
  return {
    words_spoken: features.words,
    speaking_seconds: features.speakingSeconds,
    words_per_minute: features.wordsPerMinute,
    long_pauses: features.longPauses,
    fillers: features.fillers,
    top_error_types: [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([type, count]) => ({ type, count })),
    provisional_band: overallBand(criteria.map((c) => c.band))
  }
}
