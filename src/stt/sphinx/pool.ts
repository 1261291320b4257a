import { MessageChannel } from 'node:worker_threads'
import type { Piscina } from 'piscina'
import { closeWorkerPool, createWorkerPool, forWorker, runTask, type PoolLogger } from '../../workers/pool.js'
import type { BandEnvelope } from '../../audio/band-fill.js'
import type { PartialWord } from '../types.js'
import type { NativeResult } from './native.js'
import type { DecoderOutput, DecoderTask, FinalChoice, StreamInput, StreamOutput, StreamResult, WorkerConfig } from './protocol.js'

const ENGINE = 'sphinx speech engine'

/** A decoder thread held for one streaming utterance. */
export interface DecoderLease {
  write(samples: Float32Array): void
  /** see FinalChoice; null when the lease was released first */
  end(final: FinalChoice): Promise<StreamResult | null>
  /** ends the utterance, discards its result and returns the thread to the pool */
  release(): void
}

/**
 * Decoder threads, each loading the model once and keeping it, fed from piscina's FIFO queue. A
 * thread that crashes fails its task and piscina starts another, so one bad input cannot shrink
 * the pool; an aborted task that is already running takes its thread down with it. Tasks cut short by
 * close() reject with a 503 engine_stopped.
 */
export class DecoderPool {
  readonly ready: Promise<void>
  private readonly pool: Piscina<DecoderTask, DecoderOutput>
  private readonly kept: number
  private readonly size: number
  private readonly elastic: boolean
  /** live utterances holding or waiting for a thread */
  private leased = 0
  /** open streams, each of which may start an utterance at any moment (see reserve) */
  private reserved = 0
  private closed = false

  /**
   * All `size` threads start at once, load their model and stay. With `elastic`, `elastic.keep` threads
   * (default 1) do that and stay; the others start one ahead of demand (see lease) and exit after `idleMs`
   * without work.
   */
  constructor(size: number, config: WorkerConfig, logger?: PoolLogger, elastic?: { idleMs: number; keep?: number }) {
    this.kept = elastic ? Math.min(size, Math.max(1, elastic.keep ?? 1)) : size
    this.size = size
    this.elastic = !!elastic
    this.pool = createWorkerPool({
      entry: new URL('./worker.js', import.meta.url),
      threads: size,
      keep: this.kept,
      idleMs: elastic?.idleMs,
      workerData: config,
      logger
    })
    this.ready = this.load()
    // Callers observe failures through `ready`; this keeps an unobserved rejection quiet.
    this.ready.catch(() => undefined)
    // A spare that ended idle while every other thread is leased is started again.
    if (elastic) this.pool.on('workerDestroy', () => this.keepSpare())
  }

  /** Threads started (loading their model or loaded), and how many of those are loaded and free. */
  get threads(): { started: number; idle: number } {
    return { started: this.pool.threads.length, idle: this.pool.idleThreads }
  }

  /**
   * Decodes one utterance, normalised by `cmn` when given, with the model adapted by the MLLR transform
   * in `mllr` when given. A view of shared memory crosses without a copy.
   */
  async decode(samples: Float32Array, signal?: AbortSignal, cmn?: Float32Array, mllr?: string): Promise<NativeResult> {
    const { samples: s, transferList } = forWorker(samples)
    return runTask<NativeResult>(this.pool, ENGINE, { op: 'decode', samples: s, cmn, mllr }, { transferList, signal })
  }

  /** Cepstra before normalisation (frames x 13) of `samples`, computed on a thread. */
  async cepstra(samples: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    const { samples: s, transferList } = forWorker(samples)
    return runTask<Float32Array>(this.pool, ENGINE, { op: 'cepstra', samples: s }, { transferList, signal })
  }

  /** `samples` with the band above the envelope's edge filled (see band-fill.ts), computed on a thread. */
  async fillBand(samples: Float32Array, envelope: BandEnvelope, signal?: AbortSignal): Promise<Float32Array> {
    const { samples: s, transferList } = forWorker(samples)
    return runTask<Float32Array>(this.pool, ENGINE, { op: 'fill', samples: s, envelope }, { transferList, signal })
  }

  /**
   * Queues a streaming utterance. Writes go straight onto its port and wait there until a thread
   * takes the task, so a caller never waits for a free thread before sending audio.
   */
  lease(onPartial: (text: string, words: PartialWord[]) => void, decodeWith: { cmn?: Float32Array; mllr?: string } = {}): DecoderLease {
    const { port1, port2 } = new MessageChannel()
    port1.on('message', (msg: StreamOutput) => onPartial(msg.text, msg.words))
    // No abort signal here: release() ends the utterance and keeps the thread and its model.
    const task = runTask<StreamResult | null>(this.pool, ENGINE, { op: 'stream', port: port2, ...decodeWith }, { transferList: [port2] })
    this.leased++
    void task.then(
      () => this.leased--,
      () => this.leased--
    )
    this.keepSpare()
    let ended = false
    const finish = (msg: StreamInput) => {
      if (!ended) port1.postMessage(msg)
      ended = true
      return task.finally(() => port1.close())
    }
    return {
      write: (samples) => {
        if (!ended) port1.postMessage({ op: 'chunk', samples } satisfies StreamInput, [samples.buffer as ArrayBuffer])
      },
      end: async (final) => (await finish({ op: 'end', final })) as StreamResult | null,
      release: () => void finish({ op: 'release' }).catch(() => undefined)
    }
  }

  /**
   * Counts one open stream until the returned function is called. An elastic pool starts threads (up to
   * its size) until it has one per open stream, so streams that start speaking together find models
   * already loaded instead of waiting ~1 s of CPU each for them; the first utterance of a stream waits
   * at most for the model load that began when the stream opened. Threads beyond the kept ones still
   * end after `idleMs` without work, so a stream silent that long holds none.
   */
  reserve(): () => void {
    this.reserved++
    this.grow()
    let released = false
    return () => {
      if (!released) this.reserved--
      released = true
    }
  }

  /** Running decodes get CLOSE_GRACE_MS to finish; queued ones and later calls reject with engine_stopped. */
  async close(): Promise<void> {
    this.closed = true
    await closeWorkerPool(this.pool)
  }

  /**
   * An elastic pool keeps one thread with its model free ahead of demand: when the utterances take
   * every thread started, one more starts (up to the pool's size) and loads its model before piscina
   * hands it any task (the worker loads as its module loads), so the next utterance takes a ready
   * thread instead of waiting ~1 s for a model. The empty load task is what makes piscina start it.
   */
  private keepSpare(): void {
    if (!this.elastic || this.closed) return
    const started = this.pool.threads.length
    if (this.leased < started || started >= this.size) return
    runTask(this.pool, ENGINE, { op: 'load', barrier: new SharedArrayBuffer(4), threads: 1 }).catch(() => undefined)
  }

  /**
   * Starts threads until there is one per open stream. piscina starts a thread only for a task that
   * finds no loaded thread free, so the free ones each get an empty load task first and the rest, one
   * per missing thread, queue behind them and start the new threads.
   */
  private grow(): void {
    if (!this.elastic || this.closed) return
    const missing = Math.min(this.size, this.reserved) - this.pool.threads.length
    if (missing <= 0) return
    const tasks = this.pool.idleThreads + missing
    for (let i = 0; i < tasks; i++) {
      runTask(this.pool, ENGINE, { op: 'load', barrier: new SharedArrayBuffer(4), threads: 1 }).catch(() => undefined)
    }
  }

  /** One load task per kept thread, held until all have one, so every such thread has its model before real work. */
  private async load(): Promise<void> {
    const barrier = new SharedArrayBuffer(4)
    await Promise.all(Array.from({ length: this.kept }, () => runTask(this.pool, ENGINE, { op: 'load', barrier, threads: this.kept })))
  }
}
