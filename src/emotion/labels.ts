import { EMOTION_LABELS, type EmotionLabel } from './types.js'

export { EMOTION_LABELS, type EmotionLabel }

/**
 * Other names for the labels, as chat models and older call records write them ("frustration",
 * "joy", "gratitude"). Every emotion a call record lists is one of EMOTION_LABELS; these map the
 * rest onto the nearest one, the way the ONNX engine maps its model's classes (fear reads as sad,
 * disgust as frustrated). A name missing here is dropped rather than shown beside the labels.
 */
export const EMOTION_SYNONYMS: Record<string, EmotionLabel> = {
  joy: 'happy',
  happiness: 'happy',
  excitement: 'happy',
  excited: 'happy',
  delight: 'happy',
  delighted: 'happy',
  enthusiasm: 'happy',
  relief: 'satisfied',
  relieved: 'satisfied',
  gratitude: 'satisfied',
  grateful: 'satisfied',
  thankful: 'satisfied',
  satisfaction: 'satisfied',
  content: 'satisfied',
  calm: 'neutral',
  frustration: 'frustrated',
  annoyance: 'frustrated',
  annoyed: 'frustrated',
  irritation: 'frustrated',
  irritated: 'frustrated',
  impatience: 'frustrated',
  impatient: 'frustrated',
  disappointment: 'frustrated',
  disappointed: 'frustrated',
  disgust: 'frustrated',
  disgusted: 'frustrated',
  anger: 'angry',
  rage: 'angry',
  outrage: 'angry',
  furious: 'angry',
  hostility: 'angry',
  confusion: 'confused',
  uncertainty: 'confused',
  surprise: 'confused',
  surprised: 'confused',
  sadness: 'sad',
  grief: 'sad',
  fear: 'sad',
  fearful: 'sad',
  worry: 'sad',
  worried: 'sad',
  anxiety: 'sad',
  anxious: 'sad',
  concern: 'sad',
  concerned: 'sad'
}

/** Any emotion name in our vocabulary, or undefined when it has no place there. */
export function emotionLabelOf(raw: unknown): EmotionLabel | undefined {
  if (typeof raw !== 'string') return undefined
  const x = raw.trim().toLowerCase()
  return (EMOTION_LABELS as readonly string[]).includes(x) ? (x as EmotionLabel) : EMOTION_SYNONYMS[x]
}
