/**
 * Child process that owns one sherpa-onnx speaker-diarization pipeline. onnxruntime aborts the whole
 * process when a model file is corrupt (an uncaught C++ exception), so models are loaded here, where
 * that costs one child, not the server. Started by sherpa-process.ts; speaks the messages declared there.
 */
import { createRequire } from 'node:module'
import type { ChildMessage, ParentMessage, SherpaSegment } from './sherpa-process.js'

interface SherpaDiarizer {
  sampleRate: number
  process(samples: Float32Array): SherpaSegment[]
  setConfig(config: { clustering: { numClusters: number; threshold: number } }): void
}
type SherpaModule = { OfflineSpeakerDiarization: new (config: object) => SherpaDiarizer }

const [segmentationModel, embeddingModel] = process.argv.slice(2)
const send = (message: ChildMessage, then?: () => void) => process.send?.(message, undefined, {}, then)
process.on('disconnect', () => process.exit(0))

let diarizer: SherpaDiarizer
try {
  const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule
  diarizer = new sherpa.OfflineSpeakerDiarization({
    segmentation: { pyannote: { model: segmentationModel }, numThreads: 1 },
    embedding: { model: embeddingModel, numThreads: 1 },
    clustering: { numClusters: -1, threshold: 0.5 },
    minDurationOn: 0.2,
    minDurationOff: 0.5
  })
  if (diarizer.sampleRate !== 16000) throw new Error(`the segmentation model expects ${diarizer.sampleRate} Hz audio, not 16 kHz`)
  send({ type: 'ready' })
} catch (err) {
  // sherpa's own message is "Please check your config!"; the details went to stderr, which the parent keeps.
  send({ type: 'load-failed', message: (err as Error).message }, () => process.exit(1))
}

process.on('message', (message: ParentMessage) => {
  try {
    diarizer.setConfig({ clustering: { numClusters: message.numClusters, threshold: message.threshold } })
    send({ type: 'done', id: message.id, segments: diarizer.process(message.samples) })
  } catch (err) {
    send({ type: 'failed', id: message.id, message: (err as Error).message })
  }
})
