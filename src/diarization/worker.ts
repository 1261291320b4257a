/**
 * Diarization thread: clustering a long call takes seconds of pure CPU, which must not stall the
 * server's event loop. Run by the pool in pool.ts.
 */
import { diarizeSamples, type DiarizeSettings } from './diarize.js'
import type { DiarizationResult } from './types.js'

export interface DiarizeTask {
  samples: Float32Array
  settings: DiarizeSettings
}

export default function diarize(task: DiarizeTask): DiarizationResult {
  return diarizeSamples(task.samples, task.settings)
}
