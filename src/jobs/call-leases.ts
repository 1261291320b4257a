import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { PrismaClient } from '../generated/prisma/client.js'

/**
 * Call records this process holds in memory: a synchronous upload being processed, a job in the
 * in-process queue, a job running here. Each carries this process's boot id (`processingBy`) and a
 * heartbeat refreshed while the process lives, so recovery can tell a record someone is working on
 * from one whose holder crashed.
 */
export interface CallLeases {
  /** this process, as written in `processingBy` */
  readonly bootId: string
  readonly leaseMs: number
  hold(id: string): void
  release(id: string): void
  holds(id: string): boolean
  held(): string[]
  /** Fields that claim a record for this process, for a create or update. */
  claim(): { processingBy: string; heartbeatAt: Date }
  close(): void
}

export function createCallLeases(prisma: PrismaClient, { leaseMs, log }: { leaseMs: number; log: FastifyBaseLogger }): CallLeases {
  const bootId = randomUUID()
  const ids = new Set<string>()
  // Three beats per lease: one slow database round trip does not make a live holder look dead.
  const timer = setInterval(
    () => {
      if (ids.size === 0) return
      prisma.callRecord
        .updateMany({ where: { id: { in: [...ids] }, processingBy: bootId }, data: { heartbeatAt: new Date() } })
        .catch((err: unknown) => log.warn({ err }, 'could not refresh the heartbeat of held call records'))
    },
    Math.max(250, Math.floor(leaseMs / 3))
  )
  timer.unref()
  return {
    bootId,
    leaseMs,
    hold: (id) => void ids.add(id),
    release: (id) => void ids.delete(id),
    holds: (id) => ids.has(id),
    held: () => [...ids],
    claim: () => ({ processingBy: bootId, heartbeatAt: new Date() }),
    close: () => clearInterval(timer)
  }
}
