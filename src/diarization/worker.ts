/**
 * Diarization worker thread: clustering a long call takes seconds of pure CPU, which must not stall
 * the server's event loop. Started by pool.ts; speaks the messages declared there.
 */
import { parentPort } from 'node:worker_threads'
import { diarizeSamples } from './diarize.js'
import type { WorkerReply, WorkerRequest } from './pool.js'

const port = parentPort
if (!port) throw new Error('the diarization worker must run in a worker thread')

port.on('message', (msg: WorkerRequest) => {
  let reply: WorkerReply
  try {
    reply = { id: msg.id, result: diarizeSamples(msg.samples, msg.settings) }
  } catch (err) {
    reply = { id: msg.id, error: (err as Error).message }
  }
  port.postMessage(reply)
})
