/** The encodings OpenAI's speech endpoint offers, and so ours. */
export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const
export type SpeechFormat = (typeof SPEECH_FORMATS)[number]

/** What an engine hands back: 16-bit little-endian mono PCM, before encoding. */
export interface RawSpeech {
  pcm: Buffer
  sampleRate: number
  /** true when the engine already spoke at the asked speed; otherwise the encoder stretches it */
  speedApplied: boolean
}

export interface EngineRequest {
  text: string
  /** a voice of this engine (already mapped from OpenAI's names) */
  voice: string
  /** 0.25 - 4 */
  speed: number
  /** style hints for engines that take them (OpenAI's gpt-4o-mini-tts, Gemini) */
  instructions?: string
  signal: AbortSignal
}

export type Availability = { ok: true } | { ok: false; reason: string }

/** One speech engine. Offline engines run as child processes; cloud engines call their vendor's API. */
export interface TtsEngine {
  readonly name: string
  readonly kind: 'offline' | 'cloud'
  readonly voices: readonly string[]
  readonly defaultVoice: string
  available(): Promise<Availability>
  synthesize(req: EngineRequest): Promise<RawSpeech>
  close(): Promise<void>
}
