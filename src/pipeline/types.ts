import type { PcmAudio, Word } from '../stt/types.js'

/**
 * The pipeline depends on each stage only through these shapes, so any engine that fits (built-in,
 * cloud, or a test's) plugs in.
 */
export interface SpeakerTurn { speaker: string; start: number; end: number }

export interface Diarizer {
  name: string
  diarize(audio: PcmAudio, opts?: { speakersExpected?: number; signal?: AbortSignal }): Promise<{ turns: SpeakerTurn[]; speakers: { label: string; talkTime: number }[] }>
}

export interface UtteranceText { speaker: string; start: number; end: number; text: string }

export interface EmotionOf {
  emotion: string
  confidence: number
  sentiment: string
  sentimentScore: number
}

export interface EmotionAnalyzer {
  name: string
  analyze(audio: PcmAudio, utterances: (UtteranceText & { words?: { start: number; end: number }[] })[], signal?: AbortSignal): Promise<{
    utterances: EmotionOf[]
    overall: EmotionOf
    bySpeaker: Record<string, EmotionOf>
  }>
}

export interface AnalysisOf {
  summary: string
  tags: string[]
  intent: string
  mood: string
  emotions: string[]
  roles: Record<string, string>
  insights: string[]
  entities: { type: string; text: string }[]
}

export interface ConversationAnalyzer {
  analyze(input: { utterances: (UtteranceText & { emotion?: string; sentiment?: string })[]; transcript: string; durationSeconds: number; language?: string }): Promise<{
    analysis: AnalysisOf
    provider: string
    promptVersion: string
    error?: string
  }>
}

export type SpeakerWord = Word & { speaker: string }
