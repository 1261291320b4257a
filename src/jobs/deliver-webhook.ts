import type { FastifyInstance } from 'fastify'
import { deliverWebhook, webhookHost, WebhookError } from '../calls/webhook.js'
import { webhookPolicy } from '../calls/webhook-address.js'
import { toCallView } from '../calls/view.js'
import { isFinalFailure, JobError } from '../queue/errors.js'
import type { JobContext } from '../queue/types.js'
import type { JobPayloads } from './types.js'

/**
 * One POST of the finished record per run; the queue retries with backoff. Each outcome is kept on
 * the record (webhookStatus, webhookAttempts, webhookLastError, webhookDeliveredAt) for its owner.
 */
export function deliverWebhookJob(fastify: FastifyInstance) {
  const { prisma } = fastify.db
  return async (job: JobContext<JobPayloads, 'deliver-webhook'>) => {
    const { id } = job.data
    const record = await prisma.callRecord.findUnique({ where: { id } })
    if (!record?.webhookUrl) return { skipped: true }
    const host = webhookHost(record.webhookUrl)
    try {
      await deliverWebhook(
        {
          url: record.webhookUrl,
          event: record.status === 'failed' ? 'call.failed' : 'call.completed',
          body: toCallView(record),
          secret: fastify.config.WEBHOOK_SECRET
        },
        { policy: webhookPolicy(fastify.config) }
      )
    } catch (err) {
      const reason = err instanceof WebhookError ? err : new WebhookError((err as Error).message, null)
      const final = !reason.retryable || isFinalFailure(job, err)
      await prisma.callRecord.updateMany({
        where: { id },
        data: { webhookAttempts: { increment: 1 }, webhookLastError: reason.message, webhookStatus: final ? 'failed' : 'pending' }
      })
      throw new JobError(`webhook delivery failed: ${reason.message}`, { callId: id, host, status: reason.status }, { final })
    }
    await prisma.callRecord.updateMany({
      where: { id },
      data: { webhookAttempts: { increment: 1 }, webhookLastError: null, webhookStatus: 'delivered', webhookDeliveredAt: new Date() }
    })
    return { delivered: true, attempt: job.attempt }
  }
}
