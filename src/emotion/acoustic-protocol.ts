import type { AcousticCues, AcousticSpan } from './acoustics.js'

export interface MeasureRequest {
  id: number
  /** transferred to the worker, never shared */
  samples: Float32Array
  sampleRate: number
  spans: AcousticSpan[]
  /** Int32 flag the caller sets to 1 to stop the job between utterances */
  cancel: SharedArrayBuffer
}

export type MeasureReply = { id: number; cues: AcousticCues[] } | { id: number; error: string }
