import { Queue, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'
import type { AddOptions, JobHandler, JobInfo, JobQueue, JobState } from './types.js'

export const QUEUE_NAME = 'voxlens'
const CLOSE_GRACE_MS = 5_000
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref())

function stateOf(raw: string): JobState {
  if (raw === 'active') return 'processing'
  if (raw === 'completed' || raw === 'failed') return raw
  return 'queued'
}

/**
 * BullMQ on Redis: jobs survive restarts and any process running `npm run worker`, on any machine
 * that reaches the same Redis, takes them.
 */
export function createBullQueue(url: string, prefix: string, log: FastifyBaseLogger): JobQueue {
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
  const workers: Worker[] = []

  return {
    kind: 'bullmq',
    async add(name, data, opts: AddOptions = {}) {
      const job = await queue.add(name, data, {
        jobId: opts.jobId,
        attempts: opts.attempts ?? 1,
        backoff: { type: 'exponential', delay: 2_000 }
      })
      return job.id!
    },
    async get(id): Promise<JobInfo | null> {
      // Read the state first: a job fetched before it finished would carry no result yet.
      const raw = await queue.getJobState(id)
      if (raw === 'unknown') return null
      const job = await queue.getJob(id)
      if (!job) return null
      const state = stateOf(raw)
      return {
        id: job.id!,
        name: job.name,
        state,
        progress: state === 'completed' ? 100 : typeof job.progress === 'number' ? job.progress : 0,
        ...(state === 'completed' && { result: job.returnvalue }),
        ...(state === 'failed' && { error: job.failedReason }),
        createdAt: new Date(job.timestamp),
        ...(job.finishedOn && { finishedAt: new Date(job.finishedOn) })
      }
    },
    work(handlers: Record<string, JobHandler>, { concurrency }) {
      const worker = new Worker(
        QUEUE_NAME,
        async (job: Job) => {
          const handler = handlers[job.name]
          if (!handler) throw new Error(`No handler for job "${job.name}"`)
          return handler({
            id: job.id!,
            name: job.name,
            data: job.data,
            progress: async (p) => job.updateProgress(Math.max(0, Math.min(100, Math.round(p))))
          })
        },
        { connection: connect(), prefix, concurrency }
      )
      worker.on('failed', (job, err) => log.warn({ jobId: job?.id, name: job?.name, err }, 'job failed'))
      worker.on('error', (err) => log.warn({ err }, 'queue worker error'))
      workers.push(worker)
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
