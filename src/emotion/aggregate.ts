import type { Scored } from './combine.js'
import { EMOTION_LABELS, type EmotionAnalysis, type EmotionCues, type EmotionResult, type LabelScores, type Sentiment, type UtteranceInput } from './types.js'

/** Sentiment scores closer to zero than this read as neutral. */
const SENTIMENT_BAND = 0.25
const NUMERIC_CUES = ['pitchHz', 'pitchVariability', 'energyDb', 'wordsPerMinute', 'pauseRatio'] as const

export const sentimentOf = (score: number): Sentiment => (score >= SENTIMENT_BAND ? 'POSITIVE' : score <= -SENTIMENT_BAND ? 'NEGATIVE' : 'NEUTRAL')

/** What an empty conversation reads as: neutral, with no confidence in it. */
export const NOTHING: EmotionResult = { emotion: 'neutral', confidence: 0, sentiment: 'NEUTRAL', sentimentScore: 0, cues: {} }

export function toResult(s: Scored): EmotionResult {
  const emotion = EMOTION_LABELS.reduce((best, l) => (s.probs[l] > s.probs[best] ? l : best), 'neutral' as (typeof EMOTION_LABELS)[number])
  return { emotion, confidence: round(s.probs[emotion], 3), sentiment: sentimentOf(s.sentimentScore), sentimentScore: round(s.sentimentScore, 3), cues: s.cues }
}

/**
 * Averages label distributions and sentiment weighted by duration, so a long calm explanation
 * outweighs a short "fine". Averaging distributions (not votes) keeps a conversation that was
 * nearly angry several times from reading as neutral.
 */
export function mergeScored(items: { scored: Scored; seconds: number }[]): EmotionResult {
  if (items.length === 0) return NOTHING
  const weights = items.map((i) => Math.max(i.seconds, 0) + 1e-3)
  const total = weights.reduce((a, b) => a + b, 0)
  const probs = Object.fromEntries(EMOTION_LABELS.map((l) => [l, 0])) as LabelScores
  let sentiment = 0
  items.forEach(({ scored }, i) => {
    for (const l of EMOTION_LABELS) probs[l] += (scored.probs[l] * weights[i]) / total
    sentiment += (scored.sentimentScore * weights[i]) / total
  })
  return toResult({
    probs,
    sentimentScore: sentiment,
    cues: mergeCues(
      items.map((i) => i.scored.cues),
      weights
    )
  })
}

function mergeCues(cues: EmotionCues[], weights: number[]): EmotionCues {
  const out: EmotionCues = {}
  for (const key of NUMERIC_CUES) {
    let sum = 0
    let weight = 0
    cues.forEach((c, i) => {
      const v = c[key]
      if (v === undefined) return
      sum += v * weights[i]
      weight += weights[i]
    })
    if (weight > 0) out[key] = round(sum / weight, key === 'pauseRatio' ? 3 : 1)
  }
  const counts = new Map<string, number>()
  for (const hit of cues.flatMap((c) => c.text ?? [])) counts.set(hit, (counts.get(hit) ?? 0) + 1)
  // The most repeated cues say most about a conversation; a long call would otherwise list them all.
  const text = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([hit]) => hit)
  if (text.length) out.text = text
  return out
}

/** Public shape: per utterance, overall, and per speaker, all weighted by duration. */
export function summarise(utterances: UtteranceInput[], scored: Scored[]): EmotionAnalysis {
  const items = utterances.map((u, i) => ({ speaker: u.speaker, scored: scored[i], seconds: u.end - u.start }))
  const bySpeaker: Record<string, EmotionResult> = {}
  for (const speaker of new Set(utterances.map((u) => u.speaker))) bySpeaker[speaker] = mergeScored(items.filter((i) => i.speaker === speaker))
  return { utterances: scored.map(toResult), overall: mergeScored(items), bySpeaker }
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits
