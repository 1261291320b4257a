import type { AcousticSpan } from './acoustics.js'

export interface MeasureTask {
  samples: Float32Array
  sampleRate: number
  spans: AcousticSpan[]
}
