import type { FastifyInstance } from 'fastify'
import { createAuthService } from '../auth/service.js'
import type { FailedJob, JobHandlers } from '../queue/types.js'
import { deliverWebhookJob } from './deliver-webhook.js'
import { failCall, recoverCalls } from './recover-calls.js'
import type { JobPayloads } from './types.js'

/** Tokens stay in the table a week after they die, so "expired" can still be told from "forged". */
const DEAD_TOKEN_RETENTION_MS = 7 * 24 * 3600_000

/** Every background job the service runs, by name; the compiler checks the set against JobPayloads. */
export function jobHandlers(fastify: FastifyInstance): JobHandlers<JobPayloads> {
  return {
    'process-call': async (job) => {
      const { id, options } = job.data
      const record = await fastify.calls.process(id, options, (p) => job.progress(p))
      return { id, status: record.status }
    },

    'deliver-webhook': deliverWebhookJob(fastify),

    'recover-calls': async () => recoverCalls(recoveryDeps(fastify)),

    'coach-analysis': async (job) => {
      await fastify.coach.analysis.run(job.data.sessionId)
      return { sessionId: job.data.sessionId }
    },

    'coach-report': async (job) => {
      await fastify.coach.reports.run(job.data.reportId)
      return { reportId: job.data.reportId }
    },

    'purge-dead-tokens': async (job) => {
      const auth = createAuthService(fastify.db.prisma, { tokenTtlHours: fastify.config.TOKEN_TTL_HOURS })
      const removed = await auth.purgeDeadTokens(new Date(Date.now() - DEAD_TOKEN_RETENTION_MS))
      await job.progress(100)
      return { removed }
    }
  }
}

export function recoveryDeps(fastify: FastifyInstance) {
  const { db, queue, calls, config, log } = fastify
  return { prisma: db.prisma, queue, leases: calls.leases, singleProcess: !config.DATABASE_URL, log }
}

/** However a job ended for good, its call record ends too (a stalled-out job never reaches its handler). */
export function onJobFailed(fastify: FastifyInstance) {
  return async (job: FailedJob<JobPayloads>) => {
    if (job.name === 'coach-analysis') return fastify.coach.analysis.fail(job.data.sessionId, job.error)
    if (job.name !== 'process-call') return
    fastify.calls.leases.release(job.data.id)
    await failCall({ prisma: fastify.db.prisma, queue: fastify.queue }, job.data.id, job.error)
  }
}
