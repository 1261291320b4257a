import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { AcousticCues, AcousticSpan } from './acoustics.js'
import type { MeasureReply, MeasureRequest } from './acoustic-protocol.js'

interface Pending {
  resolve: (cues: AcousticCues[]) => void
  reject: (err: Error) => void
}

// Under tsx or vitest this module is TypeScript: the worker then starts from a small script
// that registers tsx's loader before importing the TypeScript entry.
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./acoustic-worker.js', import.meta.url))
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'))
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href
  const entry = new URL('./acoustic-worker.ts', import.meta.url).href
  return new Worker(`import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}) })`, { eval: true })
}

/**
 * Measures acoustic cues on one worker thread, started on first use. Pitch tracking costs tens
 * of milliseconds per second of audio: on the main thread it would stall every other request.
 */
export class AcousticMeter {
  private worker?: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 1

  /** `samples` is transferred: the caller must pass a copy it no longer needs. */
  measure(samples: Float32Array, sampleRate: number, spans: AcousticSpan[], signal?: AbortSignal): Promise<AcousticCues[]> {
    signal?.throwIfAborted()
    if (spans.length === 0) return Promise.resolve([])
    const worker = (this.worker ??= this.spawn())
    const id = this.nextId++
    const cancel = new SharedArrayBuffer(4)
    return new Promise<AcousticCues[]>((resolve, reject) => {
      const onAbort = () => {
        Atomics.store(new Int32Array(cancel), 0, 1)
        this.pending.delete(id)
        if (this.pending.size === 0) worker.unref()
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const settle = () => signal?.removeEventListener('abort', onAbort)
      this.pending.set(id, {
        resolve: (cues) => {
          settle()
          resolve(cues)
        },
        reject: (err) => {
          settle()
          reject(err)
        }
      })
      const req: MeasureRequest = { id, samples, sampleRate, spans, cancel }
      worker.postMessage(req, [samples.buffer as ArrayBuffer])
      worker.ref()
    })
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    this.failAll(new Error('emotion engine closed'))
    await worker?.terminate()
  }

  private spawn(): Worker {
    const worker = startWorker()
    worker.on('message', (reply: MeasureReply) => {
      const job = this.pending.get(reply.id)
      this.pending.delete(reply.id)
      // An idle worker must not keep the process alive; a busy one must.
      if (this.pending.size === 0) worker.unref()
      if (!job) return
      if ('error' in reply) job.reject(new Error(`acoustic analysis failed: ${reply.error}`))
      else job.resolve(reply.cues)
    })
    // A crashed worker fails what it held; the next call starts a fresh one.
    worker.on('error', (err) => this.lost(worker, err))
    worker.on('exit', (code) => this.lost(worker, new Error(`acoustic worker exited with code ${code}`)))
    return worker
  }

  private lost(worker: Worker, err: Error): void {
    if (this.worker !== worker) return
    this.worker = undefined
    this.failAll(err)
  }

  private failAll(err: Error): void {
    for (const job of this.pending.values()) job.reject(err)
    this.pending.clear()
  }
}
