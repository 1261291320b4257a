import type { PcmAudio } from '../stt/types.js'
import type { SentimentLabel, Utterance } from '../schemas/conversation.js'

export const EMOTION_LABELS = ['happy', 'satisfied', 'neutral', 'confused', 'frustrated', 'angry', 'sad'] as const
export type EmotionLabel = (typeof EMOTION_LABELS)[number]
export type Sentiment = SentimentLabel

/** What the result was read from, so a caller can see why a label was chosen. */
export interface EmotionCues {
  /** median fundamental frequency of voiced frames */
  pitchHz?: number
  /** interquartile range of voiced pitch, in semitones */
  pitchVariability?: number
  /** RMS level of the speech frames, dBFS */
  energyDb?: number
  wordsPerMinute?: number
  /** share of the utterance spent in pauses, 0..1 */
  pauseRatio?: number
  /** words and phrases of the transcript that moved the result */
  text?: string[]
}

export interface EmotionResult {
  emotion: EmotionLabel
  /** 0..1; 0 means there was nothing to judge */
  confidence: number
  sentiment: Sentiment
  /** -1 (negative) .. 1 (positive) */
  sentimentScore: number
  cues: EmotionCues
}

/** One speaker turn (times are seconds from the start of the recording), with its words' times when known. */
export type UtteranceInput = Pick<Utterance, 'speaker' | 'start' | 'end' | 'text'> & { words?: { start: number; end: number }[] }

export interface EmotionAnalysis {
  /** one result per input utterance, in input order */
  utterances: EmotionResult[]
  overall: EmotionResult
  bySpeaker: Record<string, EmotionResult>
}

export interface EmotionEngine {
  name: string
  /** cheap check that the engine can run here; `reason` tells an operator how to fix it */
  available(): Promise<{ ok: boolean; reason?: string }>
  analyze(audio: PcmAudio, utterances: UtteranceInput[], signal?: AbortSignal): Promise<EmotionAnalysis>
  close(): Promise<void>
}

/** Probability of each label; engines keep it so aggregation can average distributions. */
export type LabelScores = Record<EmotionLabel, number>
