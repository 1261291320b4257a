import type { FastifyBaseLogger } from 'fastify'
import type { PrismaClient } from '../generated/prisma/client.js'
import type { JobQueue } from '../queue/types.js'
import type { CallOptionsInput } from '../schemas/call-options.js'
import type { CallLeases } from './call-leases.js'
import type { JobPayloads } from './types.js'

/** Runs a call may start before recovery stops re-queueing it (a recording that crashes its worker every time). */
export const MAX_CALL_RUNS = 3
export const INTERRUPTED_UPLOAD = 'processing was interrupted (the server stopped before answering) - upload again'
export const COULD_NOT_QUEUE = 'could not queue: Redis unreachable - retry'
const BATCH = 200

export interface RecoveryDeps {
  prisma: PrismaClient
  queue: JobQueue<JobPayloads>
  leases: CallLeases
  /** Embedded PGlite: no other process can share the database, so any holder but this one is gone. */
  singleProcess: boolean
  log: FastifyBaseLogger
}

/** Fails a record that is still queued or processing, and tells its webhook. */
export async function failCall(deps: Pick<RecoveryDeps, 'prisma' | 'queue'>, id: string, error: string): Promise<boolean> {
  const { count } = await deps.prisma.callRecord.updateMany({
    where: { id, status: { in: ['queued', 'processing'] } },
    data: { status: 'failed', error, processingBy: null, heartbeatAt: null }
  })
  if (count === 0) return false
  const record = await deps.prisma.callRecord.findUnique({ where: { id }, select: { webhookUrl: true } })
  if (record?.webhookUrl) await deps.queue.add('deliver-webhook', { id }, { jobId: `webhook-${id}` })
  return true
}

/**
 * Finds call records left queued or processing by a process that is gone (killed, or out of time
 * at shutdown) or whose job the queue lost (Redis restarted empty), and ends each: an interrupted
 * synchronous upload fails (its client already had an error), a lost job is queued again, up to
 * MAX_CALL_RUNS runs, then fails. Records a live process holds, or whose job still exists, are left alone.
 */
export async function recoverCalls(deps: RecoveryDeps): Promise<{ requeued: number; failed: number }> {
  const { prisma, queue, leases, singleProcess, log } = deps
  const stale = new Date(Date.now() - leases.leaseMs)
  const rows = await prisma.callRecord.findMany({
    where: {
      status: { in: ['queued', 'processing'] },
      id: { notIn: leases.held() },
      OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: stale } }, ...(singleProcess ? [{ processingBy: { not: leases.bootId } }] : [])]
    },
    select: { id: true, options: true, attempts: true, processingBy: true },
    orderBy: { updatedAt: 'asc' },
    take: BATCH
  })
  let requeued = 0
  let failed = 0
  for (const row of rows) {
    const options = (row.options ?? {}) as CallOptionsInput
    if (!options.async) {
      if (await failCall(deps, row.id, INTERRUPTED_UPLOAD)) failed++
      continue
    }
    const job = await queue.get(row.id)
    if (job?.state === 'queued' || job?.state === 'processing' || job?.state === 'completed') continue
    if (job?.state === 'failed' || row.attempts >= MAX_CALL_RUNS) {
      const why = job?.error ?? `processing was interrupted ${row.attempts} times - upload again`
      if (await failCall(deps, row.id, why)) failed++
      continue
    }
    // The job is gone. In memory the new job lives in this process, so this process holds the record.
    const mine = queue.kind === 'memory'
    if (mine) leases.hold(row.id)
    const { count } = await prisma.callRecord.updateMany({
      // Unchanged since it was read: two processes recovering at once do not both queue it.
      where: { id: row.id, status: { in: ['queued', 'processing'] }, processingBy: row.processingBy },
      data: { status: 'queued', progress: 0, ...(mine ? leases.claim() : { processingBy: null, heartbeatAt: null }) }
    })
    if (count === 0) {
      leases.release(row.id)
      continue
    }
    await queue.add('process-call', { id: row.id, options }, { jobId: row.id })
    requeued++
  }
  if (requeued || failed) log.warn({ requeued, failed }, 'recovered call records left by a stopped process or a lost job')
  return { requeued, failed }
}
