import { parentPort, workerData } from 'node:worker_threads'
import { loadAddon, type NativeDecoder } from './native.js'
import type { WorkerConfig, WorkerReply, WorkerRequest } from './protocol.js'

// One decoder per thread: the model is loaded once here and reused for every job.
const port = parentPort
if (!port) throw new Error('sphinx worker must run in a worker thread')

const send = (msg: WorkerReply) => port.postMessage(msg)

function open(): NativeDecoder | undefined {
  const { addon, error } = loadAddon()
  if (!addon) {
    send({ op: 'failed', error: error?.message ?? 'addon not found' })
    return undefined
  }
  try {
    return new addon.Decoder((workerData as WorkerConfig).args)
  } catch (err) {
    send({ op: 'failed', error: (err as Error).message })
    return undefined
  }
}

const decoder = open()
if (decoder) {
  let lastPartial = ''
  port.on('message', (msg: WorkerRequest) => {
    try {
      switch (msg.op) {
        case 'decode':
          // The whole utterance in one block is normalised at once: by the mean the engine sends,
          // or by the utterance's own mean.
          decoder.start(msg.cmn)
          decoder.process(msg.samples, true)
          send({ op: 'result', id: msg.id, result: decoder.end() })
          break
        case 'cepstra': {
          const cepstra = decoder.cepstra(msg.samples)
          port.postMessage({ op: 'cepstra', id: msg.id, cepstra } satisfies WorkerReply, [cepstra.buffer as ArrayBuffer])
          break
        }
        case 'start':
          lastPartial = ''
          decoder.start()
          break
        case 'chunk': {
          const text = decoder.process(msg.samples)
          if (text !== lastPartial) {
            lastPartial = text
            send({ op: 'partial', id: msg.id, text })
          }
          break
        }
        case 'end':
          send({ op: 'result', id: msg.id, result: decoder.end() })
          break
      }
    } catch (err) {
      send({ op: 'error', id: msg.id, error: (err as Error).message })
    }
  })
  send({ op: 'ready' })
}
