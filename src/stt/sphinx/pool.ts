import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { NativeResult } from './native.js'
import type { WorkerConfig, WorkerReply, WorkerRequest } from './protocol.js'

export interface PoolLogger {
  warn(obj: object, msg?: string): void
}

/** What the worker's current job does with each reply. */
interface Job {
  id: number
  onResult(result: NativeResult): void
  onError(err: Error): void
  onPartial?(text: string): void
  onCepstra?(cepstra: Float32Array): void
}

interface Slot {
  worker: Worker
  job?: Job
  /** taken by a caller (a decode job or a streaming session), or not yet started */
  reserved: boolean
}

interface Waiter {
  resolve(slot: Slot): void
  reject(err: unknown): void
}

/** A worker reserved for one streaming utterance. */
export interface DecoderLease {
  write(samples: Float32Array): void
  end(): Promise<NativeResult>
  /** ends the utterance, discards its result and returns the worker to the pool */
  release(): void
}

// Under tsx or vitest the engine runs from .ts sources: the worker then starts from a small
// script that registers tsx's loader before importing the TypeScript entry.
function startWorker(config: WorkerConfig): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./worker.js', import.meta.url), { workerData: config })
  }
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'))
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href
  const entry = new URL('./worker.ts', import.meta.url).href
  const boot = `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(boot, { eval: true, workerData: config })
}

/** Decoder worker threads, each with its own model, fed from one FIFO queue. */
export class DecoderPool {
  readonly ready: Promise<void>
  private readonly slots: Slot[] = []
  private readonly waiters: Waiter[] = []
  private nextId = 1
  private closed = false

  constructor(size: number, private readonly config: WorkerConfig, private readonly logger?: PoolLogger) {
    const starts: Promise<void>[] = []
    for (let i = 0; i < size; i++) starts.push(this.spawn())
    this.ready = Promise.all(starts).then(() => undefined)
    // Callers observe failures through `ready`; this keeps an unobserved rejection quiet.
    this.ready.catch(() => undefined)
  }

  /**
   * Decodes one utterance, normalised by `cmn` when given. `samples` may be a view: it is
   * copied only when a worker takes it.
   */
  async decode(samples: Float32Array, signal?: AbortSignal, cmn?: Float32Array): Promise<NativeResult> {
    const slot = await this.acquire(signal)
    return new Promise((resolve, reject) => {
      const done = () => this.free(slot)
      this.run(slot, {
        id: this.nextId++,
        onResult: (r) => (done(), resolve(r)),
        onError: (e) => (done(), reject(e))
      }, (id) => {
        const copy = samples.slice()
        return [{ op: 'decode', id, samples: copy, cmn }, [copy.buffer as ArrayBuffer]]
      })
    })
  }

  /** Cepstra before normalisation (frames x 13) of `samples`, computed on a worker. */
  async cepstra(samples: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    const slot = await this.acquire(signal)
    return new Promise((resolve, reject) => {
      const done = () => this.free(slot)
      this.run(slot, {
        id: this.nextId++,
        onResult: () => (done(), reject(new Error('unexpected decoder result'))),
        onCepstra: (c) => (done(), resolve(c)),
        onError: (e) => (done(), reject(e))
      }, (id) => {
        const copy = samples.slice()
        return [{ op: 'cepstra', id, samples: copy }, [copy.buffer as ArrayBuffer]]
      })
    })
  }

  /** Reserves a worker for a streaming utterance. */
  async lease(onPartial: (text: string) => void, signal?: AbortSignal): Promise<DecoderLease> {
    const slot = await this.acquire(signal)
    const id = this.nextId++
    let failure: Error | undefined
    // Partials arrive before end() is called, so route them from the start; a failed
    // chunk is remembered and reported by end().
    slot.job = { id, onPartial, onResult: () => undefined, onError: (e) => (failure ??= e) }
    const post = (msg: WorkerRequest, transfer: ArrayBuffer[] = []) => slot.worker.postMessage(msg, transfer)
    post({ op: 'start', id })
    let ending: Promise<NativeResult> | undefined
    const end = () =>
      (ending ??= new Promise<NativeResult>((resolve, reject) => {
        this.run(slot, {
          id,
          onPartial,
          onResult: (r) => (this.free(slot), failure ? reject(failure) : resolve(r)),
          onError: (e) => (this.free(slot), reject(failure ?? e))
        }, () => [{ op: 'end', id }, []])
      }))
    return {
      write: (samples) => {
        if (!ending) post({ op: 'chunk', id, samples }, [samples.buffer as ArrayBuffer])
      },
      end,
      release: () => void end().catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const err = new Error('sphinx engine closed')
    for (const slot of this.slots) slot.job?.onError(err)
    for (const waiter of this.waiters.splice(0)) waiter.reject(err)
    await Promise.all(this.slots.map((s) => s.worker.terminate()))
  }

  private run(slot: Slot, job: Job, message: (id: number) => [WorkerRequest, ArrayBuffer[]]): void {
    slot.job = job
    const [msg, transfer] = message(job.id)
    slot.worker.postMessage(msg, transfer)
  }

  private acquire(signal?: AbortSignal): Promise<Slot> {
    signal?.throwIfAborted()
    if (this.closed) return Promise.reject(new Error('sphinx engine closed'))
    const idle = this.slots.find((s) => !s.reserved)
    if (idle) {
      idle.reserved = true
      return Promise.resolve(idle)
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1)
        reject(signal?.reason)
      }
      const waiter: Waiter = {
        resolve: (slot) => (signal?.removeEventListener('abort', onAbort), resolve(slot)),
        reject
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(waiter)
    })
  }

  /** Hands a finished worker to the next waiter, or marks it idle. */
  private free(slot: Slot): void {
    slot.job = undefined
    slot.reserved = false
    if (!this.slots.includes(slot)) return
    const next = this.waiters.shift()
    if (next) {
      slot.reserved = true
      next.resolve(slot)
    }
  }

  private spawn(): Promise<void> {
    const worker = startWorker(this.config)
    const slot: Slot = { worker, reserved: true }
    return new Promise((resolve, reject) => {
      let started = false
      worker.on('message', (msg: WorkerReply) => {
        if (msg.op === 'ready') {
          started = true
          this.slots.push(slot)
          this.free(slot)
          resolve()
        } else if (msg.op === 'failed') {
          reject(new Error(msg.error))
        } else if (slot.job && msg.id === slot.job.id) {
          if (msg.op === 'partial') slot.job.onPartial?.(msg.text)
          else if (msg.op === 'result') slot.job.onResult(msg.result)
          else if (msg.op === 'cepstra') slot.job.onCepstra?.(msg.cepstra)
          else slot.job.onError(new Error(msg.error))
        }
      })
      worker.on('error', (err) => {
        if (!started) reject(err)
        else this.replace(slot, err)
      })
      worker.on('exit', (code) => {
        if (!started) reject(new Error(`sphinx worker exited with code ${code} before loading its model`))
        else if (!this.closed) this.replace(slot, new Error(`sphinx worker exited with code ${code}`))
      })
    })
  }

  /** A crashed worker fails its job and is replaced, so one bad input cannot shrink the pool. */
  private replace(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot)
    if (i < 0) return
    this.slots.splice(i, 1)
    this.logger?.warn({ err }, 'sphinx worker died; starting a new one')
    slot.job?.onError(err)
    slot.job = undefined
    if (!this.closed) this.spawn().catch((e: Error) => this.logger?.warn({ err: e }, 'sphinx worker restart failed'))
  }
}
