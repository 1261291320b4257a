import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPg } from '@prisma/adapter-pg'
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import { PrismaClient } from '../generated/prisma/client.js'
import { createInMemoryPglite } from './in-memory-pglite.js'
import { pgliteMigrationFactory, postgresMigrationFactory } from './migration-adapters.js'

/** The slice of a pino logger the database layer uses; `console` fits too. */
export interface DbLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface OpenDatabaseOptions {
  /** Postgres connection string. When unset, an embedded PGlite database is used. */
  databaseUrl?: string
  /** PGlite keeps its files in `<dataDir>/pglite`. */
  dataDir?: string
  /** PGlite in memory only: nothing is written to disk. */
  inMemory?: boolean
  logger?: DbLogger
  /** Postgres only: connections in the pool and how long a query waits for one (ms). */
  pool?: { max: number; timeoutMs: number }
}

export interface Database {
  prisma: PrismaClient
  kind: 'postgres' | 'pglite'
  /** What Prisma's schema engine connects through (see migrations.ts). */
  migrationAdapterFactory: SqlMigrationAwareDriverAdapterFactory
  ping(): Promise<void>
  /** Releases the pool or the PGlite instance; safe to call more than once. */
  close(): Promise<void>
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.logger, opts.pool) : openPglite(opts)
}

function openPostgres(databaseUrl: string, logger?: DbLogger, pool?: OpenDatabaseOptions['pool']): Database {
  const adapter = new PrismaPg(
    // A query waits at most timeoutMs for a connection, then fails fast (a 503) instead of piling up.
    { connectionString: databaseUrl, ...(pool && { max: pool.max, connectionTimeoutMillis: pool.timeoutMs }) },
    // An idle client losing its connection must be logged, not crash the process.
    { onPoolError: (err) => logger?.error({ err }, 'postgres pool error') }
  )
  const prisma = new PrismaClient({ adapter })
  return withLifecycle(prisma, 'postgres', postgresMigrationFactory(databaseUrl), async () => {})
}

async function openPglite(opts: OpenDatabaseOptions): Promise<Database> {
  let client: PGlite
  if (opts.inMemory) {
    client = await createInMemoryPglite()
  } else {
    if (!opts.dataDir) throw new Error('openDatabase needs databaseUrl, dataDir or inMemory')
    const dir = join(opts.dataDir, 'pglite')
    await mkdir(dir, { recursive: true })
    client = await PGlite.create(dir)
    opts.logger?.info({ dir }, 'using embedded PGlite database')
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) })
  return withLifecycle(prisma, 'pglite', pgliteMigrationFactory(client), () => client.close())
}

function withLifecycle(
  prisma: PrismaClient,
  kind: Database['kind'],
  migrationAdapterFactory: SqlMigrationAwareDriverAdapterFactory,
  closeDriver: () => Promise<void>
): Database {
  let closing: Promise<void> | undefined
  return {
    prisma,
    kind,
    migrationAdapterFactory,
    async ping() {
      await prisma.$queryRaw`SELECT 1`
    },
    close() {
      closing ??= prisma.$disconnect().finally(closeDriver)
      return closing
    }
  }
}
