import type { MessagePort } from 'node:worker_threads'
import { move, workerData } from 'piscina'
import { loadAddon, type NativeDecoder, type NativeResult } from './native.js'
import type { DecoderOutput, DecoderTask, StreamInput, StreamOutput, WorkerConfig } from './protocol.js'

// One decoder per thread: the model is loaded by the first task and reused by every later one.
let decoder: NativeDecoder | undefined
// The transform the thread's model carries now: undefined is the model as trained, `unknown` follows a failed switch.
const unknown = Symbol('unknown')
let adaptedWith: string | undefined | typeof unknown

/** Switching reloads the model's means (a few milliseconds), so it happens only when a task needs another transform. */
function adaptTo(d: NativeDecoder, mllr: string | undefined): void {
  if (mllr === adaptedWith) return
  adaptedWith = unknown
  d.adapt(mllr)
  adaptedWith = mllr
}

function open(): NativeDecoder {
  if (decoder) return decoder
  const { addon, error } = loadAddon()
  if (!addon) throw new Error(error?.message ?? 'addon not found')
  decoder = new addon.Decoder((workerData as WorkerConfig).args)
  return decoder
}

/** Waits (this thread only) until every thread of the pool has taken a load task, or 10 s. */
function gather(barrier: SharedArrayBuffer, threads: number): void {
  const count = new Int32Array(barrier)
  Atomics.add(count, 0, 1)
  Atomics.notify(count, 0)
  const deadline = Date.now() + 10_000
  for (let seen = Atomics.load(count, 0); seen < threads && Date.now() < deadline; seen = Atomics.load(count, 0)) {
    Atomics.wait(count, 0, seen, deadline - Date.now())
  }
}

/** Decodes chunks as they arrive on `port`, posting partial hypotheses, until the engine ends or releases it. */
function stream(d: NativeDecoder, port: MessagePort): Promise<NativeResult | null> {
  d.start()
  let lastPartial = ''
  let failure: Error | undefined
  return new Promise((resolve, reject) => {
    port.on('message', (msg: StreamInput) => {
      if (msg.op === 'chunk') {
        if (failure) return
        try {
          const text = d.process(msg.samples)
          if (text !== lastPartial) {
            lastPartial = text
            port.postMessage({ op: 'partial', text } satisfies StreamOutput)
          }
        } catch (err) {
          // Reported by end(): the session keeps accepting writes until its owner finishes.
          failure = err as Error
        }
        return
      }
      port.close()
      try {
        const result = d.end()
        if (msg.op === 'release') resolve(null)
        else if (failure) reject(failure)
        else resolve(result)
      } catch (err) {
        reject(failure ?? err)
      }
    })
  })
}

export default async function run(task: DecoderTask): Promise<DecoderOutput> {
  const d = open()
  switch (task.op) {
    case 'load':
      gather(task.barrier, task.threads)
      return null
    case 'decode':
      // The whole utterance in one block is normalised at once: by the mean the engine sends,
      // or by the utterance's own mean.
      adaptTo(d, task.mllr)
      d.start(task.cmn)
      d.process(task.samples, true)
      return d.end()
    case 'cepstra':
      return move(d.cepstra(task.samples)) as Float32Array
    case 'stream':
      adaptTo(d, undefined)
      return stream(d, task.port)
  }
}
