import { Worker } from 'node:worker_threads'
import type { DiarizeSettings } from './diarize.js'
import type { DiarizationResult } from './types.js'

export interface WorkerRequest {
  id: number
  samples: Float32Array
  settings: DiarizeSettings
}

export type WorkerReply = { id: number; result: DiarizationResult } | { id: number; error: string }

interface Job {
  id: number
  samples: Float32Array
  settings: DiarizeSettings
  signal?: AbortSignal
  resolve(result: DiarizationResult): void
  reject(err: unknown): void
}

interface Slot {
  worker?: Worker
  job?: Job
}

// Under tsx or vitest this module is TypeScript: the worker then registers tsx's loader before
// importing its TypeScript entry, since worker threads do not inherit the parent's loaders.
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url))
  const api = import.meta.resolve('tsx/esm/api')
  const entry = new URL('./worker.ts', import.meta.url).href
  return new Worker(`import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}) })`, { eval: true })
}

/**
 * Worker threads started on first use and fed from one FIFO queue. A job that is aborted while running
 * takes its worker down with it (a tight DSP loop cannot be interrupted any other way); the next job
 * starts a fresh one, as it does after a crash.
 */
export class DiarizationPool {
  private readonly slots: Slot[]
  private readonly queue: Job[] = []
  private nextId = 1
  private closed = false

  constructor(size: number) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => ({}))
  }

  /** `samples` is transferred to the worker: the caller must not use it afterwards. */
  run(samples: Float32Array, settings: DiarizeSettings, signal?: AbortSignal): Promise<DiarizationResult> {
    if (this.closed) return Promise.reject(new Error('diarization engine closed'))
    signal?.throwIfAborted()
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, samples, settings, signal, resolve, reject }
      const onAbort = () => {
        const queued = this.queue.indexOf(job)
        if (queued >= 0) this.queue.splice(queued, 1)
        const slot = this.slots.find((s) => s.job === job)
        if (slot) this.discard(slot)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      job.resolve = (r) => (signal?.removeEventListener('abort', onAbort), resolve(r))
      job.reject = (e) => (signal?.removeEventListener('abort', onAbort), reject(e))
      this.queue.push(job)
      this.dispatch()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const err = new Error('diarization engine closed')
    for (const job of this.queue.splice(0)) job.reject(err)
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.job?.reject(err)
        slot.job = undefined
        const worker = slot.worker
        slot.worker = undefined
        await worker?.terminate()
      })
    )
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue
      const job = this.queue.shift() as Job
      const worker = (slot.worker ??= this.spawn(slot))
      slot.job = job
      // An idle pool must not keep a process (a CLI, a test run) alive; a busy one must.
      worker.ref()
      const request: WorkerRequest = { id: job.id, samples: job.samples, settings: job.settings }
      worker.postMessage(request, job.samples.buffer instanceof ArrayBuffer ? [job.samples.buffer] : [])
    }
  }

  private spawn(slot: Slot): Worker {
    const worker = startWorker()
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.job
      if (!job || job.id !== reply.id) return
      slot.job = undefined
      worker.unref()
      if ('error' in reply) job.reject(new Error(`diarization failed: ${reply.error}`))
      else job.resolve(reply.result)
      this.dispatch()
    })
    const fail = (err: Error) => {
      if (slot.worker !== worker) return
      slot.worker = undefined
      slot.job?.reject(err)
      slot.job = undefined
      this.dispatch()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`diarization worker exited with code ${code}`)))
    return worker
  }

  /** Stops a worker whose job was abandoned; its slot starts a new one when work arrives. */
  private discard(slot: Slot): void {
    const worker = slot.worker
    slot.worker = undefined
    slot.job = undefined
    void worker?.terminate()
    this.dispatch()
  }
}
