export type { EmotionAnalysis, EmotionCues, EmotionEngine, EmotionLabel, EmotionResult, Sentiment, UtteranceInput } from './types.js'
export { EMOTION_LABELS } from './types.js'
export { createBuiltinEmotion } from './builtin.js'
export { createOnnxEmotion } from './onnx.js'
