import { parentPort } from 'node:worker_threads'
import { measureUtterance } from './acoustics.js'
import type { AcousticCues } from './acoustics.js'
import type { MeasureReply, MeasureRequest } from './acoustic-protocol.js'

const port = parentPort
if (!port) throw new Error('acoustic-worker must run as a worker thread')

port.on('message', (req: MeasureRequest) => {
  const cancel = new Int32Array(req.cancel)
  const cues: AcousticCues[] = []
  let reply: MeasureReply
  try {
    for (const span of req.spans) {
      // A cancelled request stops between utterances; the caller has already moved on.
      if (Atomics.load(cancel, 0) !== 0) return
      cues.push(measureUtterance(req.samples, req.sampleRate, span))
    }
    reply = { id: req.id, cues }
  } catch (err) {
    reply = { id: req.id, error: err instanceof Error ? err.message : String(err) }
  }
  port.postMessage(reply)
})
