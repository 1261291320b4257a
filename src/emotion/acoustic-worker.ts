import { measureUtterance, type AcousticCues } from './acoustics.js'
import type { MeasureTask } from './acoustic-protocol.js'

/** Acoustic cues of each span, measured on a pool thread (see acoustic-client.ts). */
export default function measure(task: MeasureTask): AcousticCues[] {
  return task.spans.map((span) => measureUtterance(task.samples, task.sampleRate, span))
}
