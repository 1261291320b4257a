import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'

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
  /** read in the worker with `workerData` from 'piscina' */
  workerData?: unknown
  /** told about a thread that failed outside any task (piscina starts a new one) */
  logger?: PoolLogger
}

// Threads above `keep` exit after this long without work: a server under steady load never pays for
// starting one again, an idle server gives their memory back.
const IDLE_TIMEOUT_MS = 10 * 60_000

/**
 * A piscina pool of worker threads for one capability (recognition, diarization, emotion).
 *
 * Built output runs `worker.js` directly. Under tsx or vitest the caller's module is TypeScript and
 * so is its worker: the thread then starts with tsx's public `--import tsx` hook, since worker
 * threads do not inherit the loaders of the thread that made them.
 */
export function createWorkerPool(opts: WorkerPoolOptions): Piscina {
  let entry = opts.entry
  const typescript = import.meta.url.endsWith('.ts')
  if (typescript) entry = new URL(entry.href.replace(/\.js$/, '.ts'))
  const threads = Math.max(1, opts.threads)
  const pool = new Piscina({
    filename: fileURLToPath(entry),
    maxThreads: threads,
    minThreads: Math.min(threads, opts.keep ?? 0),
    idleTimeout: IDLE_TIMEOUT_MS,
    // Tasks wait in the pool's queue rather than a second queue inside each thread, so a job
    // never sits behind a slow one while another thread is free.
    concurrentTasksPerWorker: 1,
    workerData: opts.workerData,
    execArgv: typescript ? ['--import', 'tsx'] : []
  })
  // Without a listener such an error would throw from the pool's emitter and end the process.
  pool.on('error', (err: Error) => opts.logger?.warn({ err, worker: entry.pathname }, 'worker thread failed; piscina starts another'))
  return pool
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
