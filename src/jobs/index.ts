import type { FastifyInstance } from 'fastify'
import type { JobHandler } from '../queue/types.js'
import { deliverWebhook } from '../calls/webhook.js'
import { toCallView } from '../calls/view.js'
import type { CallOptionsInput } from '../schemas/call-options.js'

/** Tokens stay in the table a week after they die, so "expired" can still be told from "forged". */
const DEAD_TOKEN_RETENTION_MS = 7 * 24 * 3600_000

/** Every background job the service runs, by name. */
export function jobHandlers(fastify: FastifyInstance): Record<string, JobHandler> {
  return {
    'process-call': async (job) => {
      const { id, options } = job.data as { id: string; options: CallOptionsInput }
      const record = await fastify.calls.process(id, options, (p) => job.progress(p))
      return { id, status: record.status }
    },

    'deliver-webhook': async (job) => {
      const { id } = job.data as { id: string }
      const record = await fastify.db.prisma.callRecord.findUnique({ where: { id } })
      if (!record?.webhookUrl) return { skipped: true }
      const { attempts } = await deliverWebhook({
        url: record.webhookUrl,
        event: record.status === 'failed' ? 'call.failed' : 'call.completed',
        body: toCallView(record),
        secret: fastify.config.WEBHOOK_SECRET
      })
      return { delivered: true, attempts }
    },

    'purge-dead-tokens': async (job) => {
      const removed = await fastify.auth.purgeDeadTokens(new Date(Date.now() - DEAD_TOKEN_RETENTION_MS))
      await job.progress(100)
      return { removed }
    }
  }
}
