import fastq from 'fastq'
import { randomUUID } from 'node:crypto'
import { isFinalFailure } from './errors.js'
import type { AddOptions, Backoff, FailedJob, JobContext, JobDefaults, JobHandlers, JobInfo, JobMap, JobQueue, WorkOptions } from './types.js'

type RunContext = Pick<JobContext<unknown>, 'id' | 'attempt' | 'attempts' | 'progress'>

interface Entry<M> extends JobInfo {
  /** Calls this job's handler; made in `add`, where the name and payload are still known to match. */
  start(handlers: JobHandlers<M>, context: RunContext): Promise<unknown>
  attempts: number
  backoff?: Backoff
  /** runs that failed so far */
  failures: number
  /** what onFailed is told about this job */
  failed(error: string): FailedJob<M>
}

const KEEP_FINISHED = 1_000

/** BullMQ's built-in strategies: retry n (1-based) waits `delay`, or `delay * 2^(n-1)` when exponential. */
export function backoffDelay(backoff: Backoff | undefined, retry: number): number {
  if (!backoff) return 0
  return backoff.type === 'fixed' ? backoff.delay : Math.round(backoff.delay * 2 ** (retry - 1))
}

/**
 * In-process queue for single-machine use: the same states, progress, retries, backoff and schedules
 * as BullMQ; nothing survives a restart (call records left behind are recovered from the database).
 */
export function createMemoryQueue<M extends JobMap<M>>(opts: { defaults?: JobDefaults<M> } = {}): JobQueue<M> {
  const jobs = new Map<string, Entry<M>>()
  const pending: Entry<M>[] = []
  const retryTimers = new Set<NodeJS.Timeout>()
  const schedules = new Map<string, { key: string; timer: NodeJS.Timeout }>()
  let runner: fastq.queueAsPromised<Entry<M>> | null = null
  let closed = false

  function forgetOldFinished() {
    if (jobs.size <= KEEP_FINISHED) return
    for (const [id, job] of jobs) {
      if (job.state === 'completed' || job.state === 'failed') jobs.delete(id)
      if (jobs.size <= KEEP_FINISHED) break
    }
  }

  function enqueue(entry: Entry<M>) {
    if (runner) void runner.push(entry)
    else pending.push(entry)
  }

  function retryLater(entry: Entry<M>, ms: number) {
    const timer = setTimeout(() => {
      retryTimers.delete(timer)
      enqueue(entry)
    }, ms)
    timer.unref()
    retryTimers.add(timer)
  }

  async function run(entry: Entry<M>, handlers: JobHandlers<M>, onFailed: WorkOptions<M>['onFailed']) {
    entry.state = 'processing'
    try {
      entry.result = await entry.start(handlers, {
        id: entry.id,
        attempt: entry.failures + 1,
        attempts: entry.attempts,
        progress: async (p) => {
          entry.progress = Math.max(0, Math.min(100, Math.round(p)))
        }
      })
      entry.state = 'completed'
      entry.progress = 100
      delete entry.error
    } catch (err) {
      const attempt = entry.failures + 1
      entry.failures = attempt
      entry.error = (err as Error).message
      if (!closed && !isFinalFailure({ attempt, attempts: entry.attempts }, err)) {
        entry.state = 'queued'
        retryLater(entry, backoffDelay(entry.backoff, attempt))
        return
      }
      entry.state = 'failed'
      await onFailed?.(entry.failed(entry.error)).catch(() => {})
    }
    entry.finishedAt = new Date()
  }

  const queue: JobQueue<M> = {
    kind: 'memory',
    async add(name, data, addOpts: AddOptions = {}) {
      const id = addOpts.jobId ?? randomUUID()
      if (jobs.has(id)) return id
      const policy = opts.defaults?.[name]
      const entry: Entry<M> = {
        id,
        name,
        state: 'queued',
        progress: 0,
        createdAt: new Date(),
        start: async (given, context) => {
          const handler = given[name]
          if (typeof handler !== 'function') throw new Error(`No handler for job "${name}"`)
          return handler({ ...context, name, data })
        },
        attempts: Math.max(1, addOpts.attempts ?? policy?.attempts ?? 1),
        backoff: addOpts.backoff ?? policy?.backoff,
        failures: 0,
        failed: (error) => ({ id, name, data, error }) as FailedJob<M>
      }
      jobs.set(id, entry)
      forgetOldFinished()
      enqueue(entry)
      return id
    },
    async get(id) {
      const job = jobs.get(id)
      if (!job) return null
      const { id: jobId, name, state, progress, result, error, createdAt, finishedAt } = job
      return {
        id: jobId,
        name,
        state,
        progress,
        createdAt,
        ...(state === 'completed' && { result }),
        ...(state === 'failed' && { error }),
        ...(finishedAt && { finishedAt })
      }
    },
    work(handlers, { concurrency, onFailed }) {
      runner = fastq.promise((entry: Entry<M>) => run(entry, handlers, onFailed), concurrency)
      for (const entry of pending.splice(0)) void runner.push(entry)
    },
    async schedule(id, { every }, job) {
      const key = JSON.stringify([every, job.name, job.data])
      const current = schedules.get(id)
      if (current?.key === key) return
      if (current) clearInterval(current.timer)
      const fire = () => void queue.add(job.name, job.data)
      const timer = setInterval(fire, every)
      timer.unref()
      schedules.set(id, { key, timer })
      // As BullMQ's `every` schedulers do, the first run is now.
      fire()
    },
    async close() {
      closed = true
      for (const { timer } of schedules.values()) clearInterval(timer)
      schedules.clear()
      for (const timer of retryTimers) clearTimeout(timer)
      retryTimers.clear()
      if (runner && !runner.idle()) await runner.drained()
      runner?.kill()
    }
  }
  return queue
}
