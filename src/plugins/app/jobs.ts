import fp from 'fastify-plugin'
import { jobHandlers, onJobFailed, recoveryDeps } from '../../jobs/index.js'
import { recoverCalls } from '../../jobs/recover-calls.js'
import type { JobName, JobPayloads } from '../../jobs/types.js'
import { isFinalFailure, JobError } from '../../queue/errors.js'
import type { JobContext, JobHandlers } from '../../queue/types.js'

export interface JobsPluginOptions {
  /** Consume jobs in this process; `npm run worker` forces it on, the API reads RUN_WORKER_IN_PROCESS. */
  work?: boolean
}

const HOUR = 3600_000

/**
 * Starts the job workers where this process should run them. The in-process queue can only be
 * consumed by the process that holds it, so it always works its own jobs. Every run is counted, and
 * every failed run logged (warn while retries remain, error on the last), the same in both queues.
 */
export default fp<JobsPluginOptions>(
  async (fastify, opts) => {
    const { queue, config, log } = fastify
    const work = opts.work ?? (config.RUN_WORKER_IN_PROCESS || queue.kind === 'memory')
    if (!work) return

    const handlers = jobHandlers(fastify)
    function observed<K extends JobName>(name: K): (job: JobContext<JobPayloads, K>) => Promise<unknown> {
      const handler: (job: JobContext<JobPayloads, K>) => Promise<unknown> = handlers[name]
      return async (job: JobContext<JobPayloads, K>) => {
        try {
          const result = await handler(job)
          fastify.metrics.jobs.inc({ queue: name, state: 'completed' })
          return result
        } catch (err) {
          const final = isFinalFailure(job, err)
          fastify.metrics.jobs.inc({ queue: name, state: final ? 'failed' : 'retried' })
          const why = err instanceof JobError ? { ...err.details, error: err.message } : { err }
          const line = { job: name, jobId: job.id, attempt: job.attempt, attempts: job.attempts, ...why }
          if (final) {
            log.error(line, 'job failed')
            fastify.errorTracking.capture(err, { tags: { job: name, job_id: job.id, attempt: job.attempt } })
          } else log.warn(line, 'job failed, will retry')
          throw err
        }
      }
    }
    const wrapped: JobHandlers<JobPayloads> = {
      'process-call': observed('process-call'),
      'deliver-webhook': observed('deliver-webhook'),
      'purge-dead-tokens': observed('purge-dead-tokens'),
      'recover-calls': observed('recover-calls'),
      'coach-analysis': observed('coach-analysis'),
      'coach-report': observed('coach-report')
    }

    fastify.addHook('onReady', async () => {
      queue.work(wrapped, { concurrency: config.QUEUE_CONCURRENCY, onFailed: onJobFailed(fastify) })
      // Records a crashed process left behind are settled before new work piles up, then checked every lease.
      await recoverCalls(recoveryDeps(fastify)).catch((err: unknown) => log.error({ err }, 'could not recover call records'))
      await queue.schedule('recover-calls', { every: config.JOB_LEASE_MS }, { name: 'recover-calls', data: {} })
      // Upserting is idempotent: every worker may do it, one schedule runs (per Redis, or per process in memory).
      await queue.schedule('purge-dead-tokens', { every: HOUR }, { name: 'purge-dead-tokens', data: {} })
      log.info({ kind: queue.kind, jobs: Object.keys(wrapped), concurrency: config.QUEUE_CONCURRENCY }, 'job worker started')
    })
  },
  { name: 'jobs', dependencies: ['config', 'db', 'queue', 'metrics', 'calls', 'error-tracking', 'coach'] }
)
