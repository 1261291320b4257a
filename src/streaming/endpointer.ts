/** Server-side turn detection, set per session (OpenAI's server_vad settings, Deepgram's endpointing). */
export interface TurnDetection {
  /** 0..1: how far above the background a sound must rise to count as speech (0.5 suits a quiet room) */
  threshold: number
  /** audio kept from before the detected onset, so a soft first syllable reaches the engine */
  prefixPaddingMs: number
  /** silence that ends an utterance */
  silenceDurationMs: number
}

export const DEFAULT_TURN_DETECTION: TurnDetection = { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 }

export const FRAME_SAMPLES = 320 // 20 ms at 16 kHz
export const FRAME_SECONDS = FRAME_SAMPLES / 16000
/**
 * Quiet frames passed on after an utterance's last loud one: word endings fade below the threshold. The
 * rest of the closing silence is held back (see the streaming session's writeHeard).
 */
export const TRAILING_QUIET_FRAMES = 10
// Loud frames in a row before speech counts as started: a click or a lip smack is shorter.
const ONSET_FRAMES = 3

export type Turn = 'started' | 'stopped' | null

/**
 * Energy voice-activity detection over 20 ms frames, as src/audio/vad.ts does for whole files: a frame
 * is loud when it rises clearly above an adaptive noise floor and above an absolute minimum. The floor
 * follows quiet frames quickly and loud ones slowly, so steady line noise is learned while a long
 * utterance does not raise it. Onset needs a few loud frames in a row; the end needs `silenceDurationMs`
 * of quiet frames.
 */
export class Endpointer {
  private floor: number | undefined
  private loudRun = 0
  private quietRun = 0
  speaking = false
  /** whether the last frame classified rose above the noise floor */
  heard = false

  constructor(private settings: TurnDetection) {}

  update(settings: TurnDetection): void {
    this.settings = settings
  }

  /** Frames of audio to send along with the onset: the loud frames that triggered it plus the prefix padding. */
  get onsetFrames(): number {
    return ONSET_FRAMES + Math.round(this.settings.prefixPaddingMs / 1000 / FRAME_SECONDS)
  }

  /** Classifies one 20 ms frame; says when speech starts or stops. */
  frame(samples: Float32Array): Turn {
    let sum = 0
    for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i]
    const energy = 10 * Math.log10(sum / samples.length + 1e-12)
    const t = Math.min(1, Math.max(0, this.settings.threshold))
    const aboveFloorDb = 6 + 12 * t
    const minSpeechDb = -55 + 10 * t
    const floor = (this.floor ??= energy)
    const loud = energy > floor + aboveFloorDb && energy > minSpeechDb
    this.heard = loud
    // Fast down, slow up: the floor tracks noise, not speech.
    this.floor = energy < floor ? 0.8 * floor + 0.2 * energy : 0.995 * floor + 0.005 * Math.min(energy, floor + aboveFloorDb)

    if (!this.speaking) {
      this.loudRun = loud ? this.loudRun + 1 : 0
      if (this.loudRun < ONSET_FRAMES) return null
      this.speaking = true
      this.quietRun = 0
      return 'started'
    }
    this.quietRun = loud ? 0 : this.quietRun + 1
    if (this.quietRun * FRAME_SECONDS * 1000 < this.settings.silenceDurationMs) return null
    this.reset()
    return 'stopped'
  }

  /** Forgets the current turn (after a commit or a clear), keeping the learned noise floor. */
  reset(): void {
    this.speaking = false
    this.loudRun = 0
    this.quietRun = 0
  }
}
