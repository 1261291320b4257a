import type { PcmAudio } from '../stt/types.js'

/** One stretch of speech by one speaker; seconds from the start of the recording. */
export interface SpeakerTurn {
  /** 'A', 'B', ... in order of first appearance */
  speaker: string
  start: number
  end: number
}

export interface DiarizationResult {
  turns: SpeakerTurn[]
  /** seconds each speaker talks, in label order */
  speakers: { label: string; talkTime: number }[]
}

export interface DiarizeOptions {
  /** the exact number of speakers, when the caller knows it */
  speakersExpected?: number
  /** upper bound for the automatic count (default 6) */
  maxSpeakers?: number
  signal?: AbortSignal
}

export interface DiarizationEngine {
  name: string
  /** cheap check that the engine can run here; `reason` tells an operator how to fix it */
  available(): Promise<{ ok: boolean; reason?: string }>
  diarize(audio: PcmAudio, opts?: DiarizeOptions): Promise<DiarizationResult>
  close(): Promise<void>
}
