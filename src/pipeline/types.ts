import type { PcmAudio, Word } from '../stt/types.js'
import type { Analysis } from '../schemas/analysis.js'
import type { Emotion, SentimentLabel, Utterance } from '../schemas/conversation.js'

/**
 * The pipeline depends on each stage only through these shapes, so any engine that fits (built-in,
 * cloud, or a test's) plugs in.
 */
export interface SpeakerTurn {
  speaker: string
  start: number
  end: number
}

export interface Diarizer {
  name: string
  diarize(
    audio: PcmAudio,
    opts?: { speakersExpected?: number; signal?: AbortSignal }
  ): Promise<{ turns: SpeakerTurn[]; speakers: { label: string; talkTime: number }[] }>
}

/** An utterance before emotion analysis: the wire Utterance without its emotion fields. */
export type UtteranceText = Pick<Utterance, 'speaker' | 'start' | 'end' | 'text'>

export interface EmotionOf {
  emotion: Emotion
  confidence: number
  sentiment: SentimentLabel
  sentimentScore: number
}

export interface EmotionAnalyzer {
  name: string
  analyze(
    audio: PcmAudio,
    utterances: (UtteranceText & { words?: { start: number; end: number }[] })[],
    signal?: AbortSignal
  ): Promise<{
    utterances: EmotionOf[]
    overall: EmotionOf
    bySpeaker: Record<string, EmotionOf>
  }>
}

export interface ConversationAnalyzer {
  analyze(input: { utterances: Utterance[]; transcript: string; durationSeconds: number; language?: string }): Promise<{
    analysis: Analysis
    provider: string
    promptVersion: string
    error?: string
  }>
}

export type SpeakerWord = Word & { speaker: string }
