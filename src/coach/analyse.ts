import { scoreBands, type CriterionScore } from './bands.js'
import { extractFeatures, type SpeechFeatures } from './features.js'
import type { GrammarChecker } from './grammar.js'
import { analyseErrors } from './learner-errors.js'
import { aggregate, flaggedWords, MISPRONOUNCED_BELOW, type AnswerPronunciation, type PronunciationScores } from './pronunciation/session.js'
import { FLUENCY_TYPES, type LearnerAnswer, type LearnerError } from './types.js'

/** Pronunciation of the session: Azure-shaped scores per answer and for the session, and what they cannot catch. */
export interface PronunciationReport {
  /** assessed: every answer; partial: some answers; not_assessed: none (each answer says why) */
  status: 'assessed' | 'partial' | 'not_assessed'
  reason: string
  limitations: string
  /** 0-100, each assessed answer weighted by its scored words */
  scores?: PronunciationScores
  /** mispronounced or omitted words, worst first */
  flagged: ReturnType<typeof flaggedWords>
  answers: AnswerPronunciation[]
  /** recogniser measures, rough intelligibility and rhythm signals */
  measured: { mean_word_confidence: number; low_confidence_share: number; words_per_minute: number; pause_ratio: number }
}

export const PRONUNCIATION_LIMITATIONS =
  'Scored against what the recogniser heard (no script): a sound said unlike the recognised word is caught, a word replaced by another word is not. ' +
  'On real recordings a word said as a different word was caught about 9 times in 10, a single wrong vowel or consonant only about 1 time in 3, ' +
  `and about 1 correctly said word in 15 was still flagged (threshold ${MISPRONOUNCED_BELOW} of 100). Short function words (the, to, and ...) are scored but never flagged. ` +
  'The acoustic model is of native US English and was never checked against rated learners; stress and intonation rest on pitch range and vowel rhythm only.'

/** The session's pronunciation from each answer's assessment, saying what was and was not assessed. */
export function pronunciationReport(answers: AnswerPronunciation[], features: SpeechFeatures): PronunciationReport {
  const assessed = answers.filter((a) => a.status === 'assessed')
  const status = answers.length > 0 && assessed.length === answers.length ? 'assessed' : assessed.length ? 'partial' : 'not_assessed'
  const skipped = answers.filter((a) => a.status !== 'assessed')
  const why = [...new Set(skipped.map((a) => a.reason ?? a.status))].join(' ')
  const reason =
    status === 'assessed'
      ? `All ${answers.length} answers assessed: goodness of pronunciation from forced alignment of the recognised words against a free phone loop.`
      : status === 'partial'
        ? `${assessed.length} of ${answers.length} answers assessed; the others were not: ${why}`
        : `No answer could be assessed${why ? `: ${why}` : '.'} The Pronunciation band rests on recogniser confidence and pausing only.`
  return {
    status,
    reason,
    limitations: PRONUNCIATION_LIMITATIONS,
    ...(assessed.length && { scores: aggregate(answers) }),
    flagged: flaggedWords(answers),
    answers,
    measured: {
      mean_word_confidence: features.meanConfidence,
      low_confidence_share: features.lowConfidenceShare,
      words_per_minute: features.wordsPerMinute,
      pause_ratio: features.pauseRatio
    }
  }
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
export async function analyseAnswers(
  answers: LearnerAnswer[],
  checker: GrammarChecker,
  firstLanguage?: string | null,
  assess: () => AnswerPronunciation[] = () => answers.map((a) => ({ seq: a.seq, status: 'no_audio', reason: 'No recording of this answer was kept.' }))
): Promise<DeepAnalysis> {
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
  const pronunciation = pronunciationReport(assess(), features)
  lap('pronunciation_ms')
  const { criteria, overall } = scoreBands(answers, features, errors, pronunciation)
  lap('bands_ms')
  return { features, errors, criteria, overall, pronunciation, timings }
}
