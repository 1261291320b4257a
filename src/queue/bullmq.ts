import { Queue, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'
import { QueueUnavailableError, UnrecoverableError } from './errors.js'
import type { AddOptions, FailedJob, JobDefaults, JobHandlers, JobInfo, JobMap, JobQueue, JobState } from './types.js'

export const QUEUE_NAME = 'voxlens'
const CLOSE_GRACE_MS = 5_000
/** How long an upload waits for Redis to take its job before answering 503. */
export const ENQUEUE_TIMEOUT_MS = 2_500
/** BullMQ's stalled-job failure, and what the record's owner is told instead. */
const STALLED = 'job stalled more than allowable limit'
export const STALLED_REASON = 'processing was interrupted (worker stopped responding) - upload again'
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref())

/**
 * BullMQ's connection waits out a Redis outage (maxRetriesPerRequest: null) and would hold the
 * caller for as long; past `ms` the caller is told the queue is unavailable instead.
 */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`Redis did not answer within ${ms} ms (${what})`)), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

function stateOf(raw: string): JobState {
  if (raw === 'active') return 'processing'
  if (raw === 'completed' || raw === 'failed') return raw
  // waiting, delayed (a retry after its backoff, or a scheduled run), prioritized, waiting-children
  return 'queued'
}

function isJobName<M>(handlers: JobHandlers<M>, name: string): name is keyof M & string {
  return Object.hasOwn(handlers, name)
}

/** Payloads come back from Redis as parsed JSON: what `add` accepted for this name. */
function runHandler<M, K extends keyof M & string>(handlers: JobHandlers<M>, name: K, job: Job) {
  return handlers[name]({
    id: job.id!,
    name,
    data: job.data,
    attempt: job.attemptsMade + 1,
    attempts: job.opts.attempts ?? 1,
    progress: async (p) => job.updateProgress(Math.max(0, Math.min(100, Math.round(p))))
  })
}

export interface BullQueueOptions<M> {
  url: string
  prefix: string
  log: FastifyBaseLogger
  defaults?: JobDefaults<M>
  /**
   * How long a running job's lock lasts without renewal, and how often stalled jobs are looked for:
   * a worker killed mid-job gives its job back (once; a second stall fails it) within about twice this.
   */
  leaseMs?: number
}

/**
 * BullMQ on Redis: jobs survive restarts and any process running `npm run worker`, on any machine
 * that reaches the same Redis, takes them.
 */
export function createBullQueue<M extends JobMap<M>>({ url, prefix, log, defaults, leaseMs = 30_000 }: BullQueueOptions<M>): JobQueue<M> {
  // BullMQ needs maxRetriesPerRequest: null so its blocking commands wait out reconnects.
  const connect = () => {
    const c = new Redis(url, { maxRetriesPerRequest: null })
    // Without a listener ioredis prints every reconnect failure to stderr.
    c.on('error', (err) => log.warn({ err: err.message }, 'queue connection error'))
    return c
  }
  const connection = connect()
  const queue = new Queue(QUEUE_NAME, {
    connection,
    prefix,
    defaultJobOptions: {
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 }
    }
  })
  // The connection's listener above already reports Redis errors; without one here BullMQ prints each again.
  queue.on('error', (err) => log.debug({ err: err.message }, 'queue error'))
  const workers: Worker[] = []

  return {
    kind: 'bullmq',
    async add(name, data, opts: AddOptions = {}) {
      const policy = defaults?.[name]
      const backoff = opts.backoff ?? policy?.backoff
      // A late add (Redis back after the timeout) still lands; handlers skip work their record gave up.
      const job = await within(
        ENQUEUE_TIMEOUT_MS,
        `adding ${name}`,
        queue.add(name, data, {
          jobId: opts.jobId,
          attempts: opts.attempts ?? policy?.attempts ?? 1,
          ...(backoff && { backoff })
        })
      )
      return job.id!
    },
    async get(id): Promise<JobInfo | null> {
      // Read the state first: a job fetched before it finished would carry no result yet.
      const raw = await within(ENQUEUE_TIMEOUT_MS, 'reading a job', queue.getJobState(id))
      if (raw === 'unknown') return null
      const job = await within(ENQUEUE_TIMEOUT_MS, 'reading a job', queue.getJob(id))
      if (!job) return null
      const state = stateOf(raw)
      return {
        id: job.id!,
        name: job.name,
        state,
        progress: state === 'completed' ? 100 : typeof job.progress === 'number' ? job.progress : 0,
        ...(state === 'completed' && { result: job.returnvalue }),
        ...(state === 'failed' && { error: job.failedReason === STALLED ? STALLED_REASON : job.failedReason }),
        createdAt: new Date(job.timestamp),
        ...(job.finishedOn && { finishedAt: new Date(job.finishedOn) })
      }
    },
    work(handlers, { concurrency, onFailed }) {
      const worker = new Worker(
        QUEUE_NAME,
        async (job: Job) => {
          const name = job.name
          if (!isJobName(handlers, name)) {
            // A producer running newer code than this worker: fail it visibly rather than retry it here.
            log.error({ jobId: job.id, job: name }, 'no handler for this job')
            throw new UnrecoverableError(`No handler for job "${name}"`)
          }
          return runHandler(handlers, name, job)
        },
        { connection: connect(), prefix, concurrency, lockDuration: leaseMs, stalledInterval: leaseMs }
      )
      worker.on('error', (err) => log.warn({ err }, 'queue worker error'))
      // finishedOn is set only when the job failed for good (not when a retry was scheduled).
      worker.on('failed', (job, err) => {
        if (!job?.finishedOn || !onFailed || !isJobName(handlers, job.name)) return
        const stalled = err.message === STALLED
        if (stalled) log.error({ jobId: job.id, job: job.name }, 'job failed: its worker stopped responding too often')
        const failed = { id: job.id!, name: job.name, data: job.data, error: stalled ? STALLED_REASON : err.message } as FailedJob<M>
        onFailed(failed).catch((e: unknown) => log.error({ err: e, jobId: job.id }, 'could not record a failed job'))
      })
      workers.push(worker)
    },
    async schedule(id, { every }, { name, data }) {
      await queue.upsertJobScheduler(id, { every }, { name, data })
    },
    async close() {
      // Worker.close waits for active jobs; past the grace period (or with Redis gone) force it.
      const connections = [connection, ...workers.map((w) => w.opts.connection as Redis)]
      const graceful = Promise.all([...workers.map((w) => w.close()), queue.close()])
      const timedOut = await Promise.race([graceful.then(() => false), sleep(CLOSE_GRACE_MS).then(() => true)])
      if (timedOut) {
        log.warn('queue did not close in time (is Redis reachable?): forcing it')
        await Promise.race([Promise.all(workers.map((w) => w.close(true))), sleep(1_000)])
      }
      for (const c of connections) c.disconnect()
    }
  }
}
