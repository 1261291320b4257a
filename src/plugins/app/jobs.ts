import fp from 'fastify-plugin'
import { jobHandlers } from '../../jobs/index.js'
import type { JobContext } from '../../queue/types.js'

export interface JobsPluginOptions {
  /** Consume jobs in this process; `npm run worker` forces it on, the API reads RUN_WORKER_IN_PROCESS. */
  work?: boolean
}

const HOUR = 3600_000

/**
 * Starts the job workers where this process should run them. The in-process queue can only be
 * consumed by the process that holds it, so it always works its own jobs.
 */
export default fp<JobsPluginOptions>(
  async (fastify, opts) => {
    const { queue, config } = fastify
    const work = opts.work ?? (config.RUN_WORKER_IN_PROCESS || queue.kind === 'memory')
    if (!work) return
    const handlers = Object.fromEntries(
      Object.entries(jobHandlers(fastify)).map(([name, handler]) => [
        name,
        async (job: JobContext) => {
          try {
            const result = await handler(job)
            fastify.metrics.jobs.inc({ queue: name, state: 'completed' })
            return result
          } catch (err) {
            fastify.metrics.jobs.inc({ queue: name, state: 'failed' })
            throw err
          }
        }
      ])
    )
    fastify.addHook('onReady', async () => {
      queue.work(handlers, { concurrency: config.QUEUE_CONCURRENCY })
      fastify.log.info({ kind: queue.kind, jobs: Object.keys(handlers), concurrency: config.QUEUE_CONCURRENCY }, 'job worker started')
    })
    // One purge per hour across all workers: the hour in the job id makes the add idempotent.
    const schedulePurge = () => queue.add('purge-dead-tokens', {}, { jobId: `purge-dead-tokens-${Math.floor(Date.now() / HOUR)}` })
    const timer = setInterval(() => void schedulePurge().catch((err) => fastify.log.warn({ err }, 'could not schedule token purge')), HOUR)
    timer.unref()
    fastify.addHook('onClose', async () => clearInterval(timer))
  },
  { name: 'jobs', dependencies: ['queue', 'auth', 'metrics', 'calls'] }
)
