import { availableParallelism } from 'node:os'
import type { PcmAudio } from '../stt/types.js'
import { badRequest } from '../errors.js'
import { DiarizationPool } from './pool.js'
import type { DiarizationEngine, DiarizationResult, DiarizeOptions } from './types.js'

/**
 * The built-in diarizer: no model files, no native code. Mel cepstra segmented and clustered by the
 * Bayesian information criterion, which also sets the speaker count; see diarize.ts. Runs on worker threads.
 */
export function createBuiltinDiarizer(opts: { poolSize?: number } = {}): DiarizationEngine {
  // One thread by default leaves the other cores to transcription, which costs far more per second of audio.
  const pool = new DiarizationPool(opts.poolSize ?? Math.max(1, Math.min(2, availableParallelism() - 1)))
  return {
    name: 'builtin',
    available: async () => ({ ok: true }),
    async diarize(audio: PcmAudio, o: DiarizeOptions = {}): Promise<DiarizationResult> {
      validate(o)
      if (audio.sampleRate !== 16000) throw badRequest(`diarization needs 16 kHz audio, got ${audio.sampleRate} Hz`)
      const settings = { speakersExpected: o.speakersExpected, maxSpeakers: o.maxSpeakers }
      return pool.run(audio.samples, settings, o.signal)
    },
    close: () => pool.close()
  }
}

function validate(o: DiarizeOptions): void {
  for (const key of ['speakersExpected', 'maxSpeakers'] as const) {
    const v = o[key]
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw badRequest(`${key} must be a positive integer`, 'invalid_speakers')
  }
  if (o.speakersExpected && o.maxSpeakers && o.speakersExpected > o.maxSpeakers) {
    throw badRequest('speakersExpected cannot exceed maxSpeakers', 'invalid_speakers')
  }
}
