import fp from 'fastify-plugin'
import type { PrismaClient } from '../../generated/prisma/client.js'
import { createCallListCache, type CallListCache } from '../../calls/list-cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    callListCache: CallListCache
  }
}

const WRITES = new Set(['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany'])
/** Columns no list shows: a write of only these (the lease heartbeat, every few seconds) changes no page. */
const UNLISTED = new Set(['heartbeatAt', 'processingBy'])

type Data = Record<string, unknown> & { ownerId?: string | null; owner?: { connect?: { id?: string } } }
const ownerOfNew = (d: Data): string | null => d.ownerId ?? d.owner?.connect?.id ?? null
/** An update that names an owner moves the record to that owner's list. */
const ownerInData = (d: Data): (string | null)[] => (d.ownerId !== undefined || d.owner?.connect?.id !== undefined ? [ownerOfNew(d)] : [])

/**
 * Every write to call records, wherever it is made (upload, the pipeline and the workers, webhook
 * outcomes, recovery, deletion), tells the list cache whose lists changed once the database has it.
 * Writes inside an interactive transaction would tell it before the commit; none is made there.
 */
export function tellListCacheOfWrites(prisma: PrismaClient, cache: CallListCache): PrismaClient {
  const extended = prisma.$extends({
    query: {
      callRecord: {
        async $allOperations({ operation, args, query }) {
          if (!WRITES.has(operation)) return query(args)
          const a = args as { where?: object; data?: Data | Data[]; create?: Data; update?: Data }
          const data = Array.isArray(a.data) ? a.data : [a.data ?? {}, a.update ?? {}]
          if (operation.startsWith('update') && data.every((d) => Object.keys(d).every((k) => UNLISTED.has(k)))) return query(args)
          // Records never change owner, so the rows a write is about name the owners before it runs.
          const before = a.where
            ? (await prisma.callRecord.findMany({ where: a.where, select: { ownerId: true }, distinct: ['ownerId'] })).map((r) => r.ownerId)
            : []
          const created = operation.startsWith('create') ? data : a.create ? [a.create] : []
          const result = await query(args)
          await cache.bump([...before, ...data.flatMap(ownerInData), ...created.map(ownerOfNew)])
          return result
        }
      }
    }
  })
  // A query extension adds no methods and changes no result type: the client keeps PrismaClient's shape.
  return extended as unknown as PrismaClient
}

/**
 * The rendered pages of GET /api/calls, per owner and query, and the per-owner version tokens that
 * validate them: in Redis when REDIS_URL is set, so a write made by any API process or worker is seen
 * by every API process; in process memory otherwise (one process serves and works then).
 * Registered right after the database, before anything takes hold of its client.
 */
export default fp(
  async (fastify) => {
    const { cache, db, config } = fastify
    const listCache = createCallListCache(
      { get: (k) => cache.get(k), set: (k, v) => cache.set(k, v), healthy: () => cache.status().healthy },
      { ttlSeconds: config.CALLS_LIST_CACHE_SECONDS }
    )
    fastify.decorate('callListCache', listCache)
    db.prisma = tellListCacheOfWrites(db.prisma, listCache)
  },
  { name: 'call-list-cache', dependencies: ['config', 'cache', 'db'] }
)
