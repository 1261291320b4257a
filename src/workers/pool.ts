import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { HttpError } from '../errors.js'

export interface PoolLogger {
  warn(obj: object, msg?: string): void
}

export interface WorkerPoolOptions {
  /** the worker module beside the caller, e.g. new URL('./worker.js', import.meta.url) */
  entry: URL
  /** most threads this pool runs at once */
  threads: number
  /** threads started at once and kept while idle (a model-loading pool keeps them all) */
  keep?: number
  /** how long a thread above `keep` waits for work before it exits; default IDLE_TIMEOUT_MS */
  idleMs?: number
  /** read in the worker with `workerData` from 'piscina' */
  workerData?: unknown
  /** told about a thread that failed outside any task (piscina starts a new one) */
  logger?: PoolLogger
  /** how long closeWorkerPool waits for running tasks before it ends their threads; default CLOSE_GRACE_MS */
  closeGraceMs?: number
}

/**
 * Closing a pool lets running tasks finish for this long, then terminates their threads. Short enough
 * to fit inside the server's shutdown deadline, long enough for one recognition span to end.
 */
export const CLOSE_GRACE_MS = 5_000

// Threads above `keep` exit after this long without work: a server under steady load never pays for
// starting one again, an idle server gives their memory back.
const IDLE_TIMEOUT_MS = 10 * 60_000

/**
 * A piscina pool of worker threads for one capability (recognition, diarization, emotion).
 *
 * Built output runs `worker.js` directly. Under tsx or vitest the caller's module is TypeScript and
 * so is its worker: the thread then starts in ts-entry.mjs, which registers tsx inside the thread
 * (threads do not inherit the loaders of the thread that made them) and loads the worker, passed as
 * the thread's last argv entry.
 */
export function createWorkerPool(opts: WorkerPoolOptions): Piscina {
  let entry = opts.entry
  const typescript = import.meta.url.endsWith('.ts')
  if (typescript) entry = new URL(entry.href.replace(/\.js$/, '.ts'))
  const filename = typescript ? new URL('./ts-entry.mjs', import.meta.url) : entry
  const threads = Math.max(1, opts.threads)
  const pool = new Piscina({
    filename: fileURLToPath(filename),
    maxThreads: threads,
    minThreads: Math.min(threads, opts.keep ?? 0),
    idleTimeout: opts.idleMs ?? IDLE_TIMEOUT_MS,
    // Tasks wait in the pool's queue rather than a second queue inside each thread, so a job
    // never sits behind a slow one while another thread is free.
    concurrentTasksPerWorker: 1,
    workerData: opts.workerData,
    closeTimeout: opts.closeGraceMs ?? CLOSE_GRACE_MS,
    execArgv: [],
    argv: typescript ? [entry.href] : []
  })
  // Without a listener such an error would throw from the pool's emitter and end the process.
  pool.on('error', (err: Error) => {
    if (closing.has(pool)) opts.logger?.warn({ err, worker: entry.pathname }, 'tasks still running at close; ending their threads')
    else opts.logger?.warn({ err, worker: entry.pathname }, 'worker thread failed; piscina starts another')
  })
  return pool
}

type TransferList = NonNullable<Parameters<Piscina['run']>[1]>['transferList']

const closing = new WeakSet<Piscina>()

/** What a task rejects with when the pool closed under it: the caller may retry on a running server. */
export function engineStopped(what: string): HttpError {
  return new HttpError(503, 'engine_stopped', `The ${what} stopped before this task finished (the server is shutting down); retry.`)
}

/**
 * Runs one task. A cancelled task rejects with its signal's reason, and a task the pool's close cut
 * short (its thread terminated, or still queued) with engineStopped, so callers see an ordinary error.
 */
export async function runTask<R>(pool: Piscina, what: string, task: unknown, opts: { transferList?: TransferList; signal?: AbortSignal } = {}): Promise<R> {
  if (closing.has(pool)) throw engineStopped(what)
  try {
    return (await pool.run(task, { transferList: opts.transferList, signal: opts.signal })) as R
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? err
    if (closing.has(pool)) throw engineStopped(what)
    throw err
  }
}

/**
 * Refuses new tasks and fails queued ones at once, lets running ones finish for the pool's close
 * grace, then terminates the threads. Safe with native code running: the addons never abort on a
 * terminated thread.
 */
export async function closeWorkerPool(pool: Piscina): Promise<void> {
  if (closing.has(pool)) return
  closing.add(pool)
  await pool.close({ force: true })
}

/**
 * What to post for a worker to read `samples`. Shared memory (decoded audio lives there) crosses as
 * is, without a copy; any other buffer is copied once, to exactly the view's length, then moved,
 * since posting a view of a larger buffer would clone the whole buffer behind it.
 */
export function forWorker(samples: Float32Array): { samples: Float32Array; transferList: ArrayBuffer[] } {
  if (samples.buffer instanceof SharedArrayBuffer) return { samples, transferList: [] }
  const copy = samples.slice()
  return { samples: copy, transferList: [copy.buffer as ArrayBuffer] }
}

/** piscina's own message when a task is cancelled; callers see the signal's reason instead. */
export function isAbortError(err: unknown): boolean {
  return (err as { name?: string })?.name === 'AbortError'
}
