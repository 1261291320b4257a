/**
 * Speaker diarization: who spoke when. The built-in engine needs nothing but the CPU; the sherpa-onnx
 * engine needs model files and is chosen by config.
 */
export type { DiarizationEngine, DiarizationResult, DiarizeOptions, SpeakerTurn } from './types.js'
export { createBuiltinDiarizer } from './builtin.js'
export { createSherpaDiarizer, type SherpaOptions } from './sherpa.js'
export { assignSpeakers, type Utterance } from './assign.js'
export { diarizationErrorRate, type DerBreakdown } from './der.js'
