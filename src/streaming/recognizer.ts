import type { PartialWord, SttEngine, Transcript } from '../stt/types.js'

/** One utterance's recognition: audio in as it arrives, the transcript when the utterance is over. */
export interface UtteranceRecognizer {
  write(samples: Float32Array): void
  /** times in the transcript are relative to the first sample written */
  finish(): Promise<Transcript>
  abort(): void
}

export interface RecognizerOptions {
  language?: string
  onPartial?: (text: string, words: PartialWord[]) => void
  /**
   * Transcribe the utterance whole (engine.transcribe, as an upload) for its final even when the engine
   * decodes incrementally. Otherwise an incremental engine gives the final itself: sphinx's live result,
   * once it has learned the stream's channel from an earlier utterance.
   */
  wholeClipFinal?: boolean
  /** the same object for every utterance of a stream, see StreamOptions.channel */
  channel?: object
  /** the client sends 8 kHz audio */
  narrowband?: boolean
}

/** Engines with an incremental decoder stream partial text; the others transcribe each utterance whole. */
export const givesPartials = (engine: SttEngine) => typeof engine.stream === 'function'

/**
 * Opens recognition for one utterance. An engine session lives only as long as its utterance, so a
 * stream that is mostly silence holds no decoder thread between turns.
 */
export function openRecognizer(engine: SttEngine, opts: RecognizerOptions): UtteranceRecognizer {
  const live =
    engine.stream && (opts.onPartial || !opts.wholeClipFinal)
      ? engine.stream({
          language: opts.language,
          wordTimestamps: true,
          channel: opts.channel,
          narrowband: opts.narrowband,
          partialsOnly: opts.wholeClipFinal
        })
      : undefined
  if (live && opts.onPartial) live.onPartial(opts.onPartial)
  if (live && !opts.wholeClipFinal) return { write: (samples) => live.write(samples), finish: () => live.end(), abort: () => live.abort() }

  // The utterance is kept until it ends (the session caps its length).
  const chunks: Float32Array[] = []
  let length = 0
  return {
    write(samples) {
      live?.write(samples)
      chunks.push(samples.slice())
      length += samples.length
    },
    async finish() {
      live?.abort()
      const samples = new Float32Array(length)
      let offset = 0
      for (const c of chunks) {
        samples.set(c, offset)
        offset += c.length
      }
      chunks.length = 0
      return engine.transcribe({ samples, sampleRate: 16000 }, { language: opts.language, wordTimestamps: true, bandFill: false })
    },
    abort() {
      live?.abort()
      chunks.length = 0
    }
  }
}
