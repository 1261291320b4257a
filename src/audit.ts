import type { FastifyBaseLogger } from 'fastify'
import type { PrismaClient } from './generated/prisma/client.js'

export type AuditAction =
  | 'user.register'
  | 'user.login'
  | 'user.logout'
  | 'api_key.create'
  | 'api_key.revoke'
  | 'call.create'
  | 'call.delete'
  | 'call.tags'
  | 'coach.session.create'
  | 'coach.session.end'
  | 'coach.analysis'
  | 'coach.report'
  | 'coach.task.complete'
  | 'coach.profile.update'

export interface AuditEntry {
  action: AuditAction
  userId?: string | null
  target?: string
  ip?: string
  details?: Record<string, unknown>
}

/**
 * Writes one audit row. Auditing must not fail the user's request, so errors are logged, not thrown;
 * the returned promise lets tests and shutdown wait for the write.
 */
export function audit(prisma: PrismaClient, log: FastifyBaseLogger, entry: AuditEntry): Promise<void> {
  return prisma.auditLog
    .create({
      data: {
        action: entry.action,
        userId: entry.userId ?? null,
        target: entry.target ?? null,
        ip: entry.ip ?? null,
        details: (entry.details ?? undefined) as object | undefined
      }
    })
    .then(() => undefined)
    .catch((err: unknown) => log.error({ err, action: entry.action }, 'audit write failed'))
}
