/** A recognised word; times are seconds from the start of the recording. */
export interface Word {
  word: string
  start: number
  end: number
  /** engine's posterior probability in [0, 1] */
  confidence: number
}

/** A word of a partial hypothesis: placed in time, not yet scored. */
export type PartialWord = Omit<Word, 'confidence'>

export interface Segment {
  id: number
  start: number
  end: number
  text: string
  avg_logprob?: number
  no_speech_prob?: number
}

export interface Transcript {
  text: string
  language: string
  /** seconds of audio transcribed */
  duration: number
  words: Word[]
  segments: Segment[]
}

export interface TranscribeOptions {
  /** ISO 639-1 code; engines reject languages they cannot recognise */
  language?: string
  /** context to bias recognition, where the engine supports it */
  prompt?: string
  /** false skips word timings (default: true) */
  wordTimestamps?: boolean
  signal?: AbortSignal
  /** engines that run stages of their own (voice-activity detection, the telephone band fill) report their time here */
  observe?: (stage: 'vad' | 'band-fill', seconds: number) => void
  /**
   * false: a phone-line recording is never band-filled (sphinx's telephoneBandFill). A live stream's final
   * decoded whole sets it, so the final meets the same model as the stream's partials.
   */
  bandFill?: boolean
  /** engines that can tell report the share of the audio recognised so far, from 0 to 1 */
  onProgress?: (done: number) => void
}

/** Mono 16 kHz float32 samples in [-1, 1]. */
export interface PcmAudio {
  samples: Float32Array
  sampleRate: 16000
}

/** Options of one live utterance. */
export interface StreamOptions extends TranscribeOptions {
  /**
   * Any object that stands for the stream the utterance belongs to, the same for all its utterances:
   * an engine may learn the stream's channel (line, microphone, speaker) from earlier utterances
   * and recognise later ones better.
   */
  channel?: object
  /** the client's audio was 8 kHz (a phone line) before it was resampled to 16 kHz */
  narrowband?: boolean
  /** the session is kept for its partial text only: it is aborted, never ended, so its final need not be prepared */
  partialsOnly?: boolean
}

/** Live recognition: feed audio as it arrives, read partial text, then finish. */
export interface IncrementalSession {
  /** queues 16 kHz float32 audio; the chunk is copied, so callers may reuse its buffer */
  write(chunk: Float32Array): void
  /**
   * called with the current best guess of everything heard so far, and its words timed relative to the
   * first chunk written (no confidences until the end)
   */
  onPartial(cb: (text: string, words: PartialWord[]) => void): void
  /** finishes the utterance; times are relative to the first chunk written */
  end(): Promise<Transcript>
  /** drops the session without a result and frees its resources */
  abort(): void
}

export interface SttEngine {
  name: string
  /** cheap check that the engine can run here; `reason` tells an operator how to fix it */
  available(): Promise<{ ok: boolean; reason?: string }>
  /** loads models ahead of the first request */
  warm?(): Promise<void>
  transcribe(audio: PcmAudio, opts?: TranscribeOptions): Promise<Transcript>
  stream?(opts?: StreamOptions): IncrementalSession
  /**
   * Told that a live stream opened, before its first utterance; the function it returns is called when
   * the stream closes. An engine may get ready for the stream's utterances meanwhile.
   */
  reserveStream?(): () => void
  close(): Promise<void>
}
