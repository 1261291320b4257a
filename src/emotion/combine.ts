import type { AcousticCues } from './acoustics.js'
import type { TextCues } from './text.js'
import { EMOTION_LABELS, type EmotionCues, type LabelScores } from './types.js'

/** One utterance's judgement before it becomes a public result; aggregation averages these. */
export interface Scored {
  probs: LabelScores
  sentimentScore: number
  cues: EmotionCues
}

/** Neutral wins unless the words give some evidence against it; strong polarity erodes it. */
const NEUTRAL_PRIOR = 1.5
const TEMPERATURE = 0.6
/**
 * Share of probability spread evenly over all labels. The weights are set by hand, not fitted
 * to labelled speech, so the built-in engine never claims more than about 0.8.
 */
const SMOOTHING = 0.15

/**
 * Text decides polarity and names the candidate emotions. Arousal (-1..1) then decides where
 * polarity the words did not attribute goes: negative text reads as frustrated at ordinary
 * arousal, angry when the voice is clearly activated and sad when it is flat; positive text
 * reads as satisfied, or happy when lively. Explicit words ("furious", "sad") outweigh it.
 */
export function combine(text: TextCues, arousal: number, acoustic: AcousticCues): Scored {
  const pos = Math.max(text.polarity, 0)
  const neg = Math.max(-text.polarity, 0)
  const up = Math.max(arousal, 0)
  const down = Math.max(-arousal, 0)
  const t = text.scores
  const raw: LabelScores = {
    neutral: NEUTRAL_PRIOR * (1 - Math.abs(text.polarity)),
    happy: t.happy + pos * (0.5 + 1.5 * up),
    satisfied: t.satisfied + pos * (1 + 0.5 * down - 0.5 * up),
    angry: t.angry + neg * (0.5 + 1.5 * up) + t.frustrated * 0.5 * up,
    frustrated: t.frustrated * (1 - 0.5 * up) + neg * (0.5 + (1 - Math.abs(arousal))),
    sad: t.sad + neg * (0.3 + 1.5 * down),
    confused: t.confused
  }
  return {
    probs: smoothSoftmax(raw),
    sentimentScore: round(text.polarity),
    cues: { ...acoustic, ...(text.hits.length ? { text: text.hits } : {}) }
  }
}

function smoothSoftmax(raw: LabelScores): LabelScores {
  const top = Math.max(...EMOTION_LABELS.map((l) => raw[l]))
  const exp = EMOTION_LABELS.map((l) => Math.exp((raw[l] - top) / TEMPERATURE))
  const total = exp.reduce((a, b) => a + b, 0)
  const probs = {} as LabelScores
  EMOTION_LABELS.forEach((l, i) => {
    probs[l] = (1 - SMOOTHING) * (exp[i] / total) + SMOOTHING / EMOTION_LABELS.length
  })
  return probs
}

const round = (v: number) => Math.round(v * 1000) / 1000
