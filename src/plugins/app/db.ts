import fp from 'fastify-plugin'
import { openDatabase, type Database } from '../../db/connect.js'
import { applyMigrations } from '../../db/migrations.js'
import { waitForPostgres } from '../../db/wait.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
  }
}

export interface DbPluginOptions {
  /** Embedded mode only: keep PGlite in memory instead of under DATA_DIR (tests). */
  inMemory?: boolean
}

/**
 * Postgres through Prisma: the real server when DATABASE_URL is set, embedded PGlite otherwise.
 * Pending migrations are applied before the app accepts requests.
 */
export default fp<DbPluginOptions>(
  async (fastify, opts) => {
    const { DATABASE_URL, DATA_DIR, DATABASE_POOL_SIZE, DATABASE_POOL_TIMEOUT_MS } = fastify.config
    // Without this, an unreachable server surfaces as a stack trace from the migration engine.
    if (DATABASE_URL) await waitForPostgres(DATABASE_URL, { timeoutSeconds: fastify.config.DATABASE_CONNECT_TIMEOUT_SECONDS, logger: fastify.log })
    const db = await openDatabase({
      databaseUrl: DATABASE_URL,
      dataDir: DATA_DIR,
      inMemory: opts.inMemory,
      logger: fastify.log,
      pool: { max: DATABASE_POOL_SIZE, timeoutMs: DATABASE_POOL_TIMEOUT_MS }
    })
    try {
      const started = performance.now()
      const { applied } = await applyMigrations(db, { logger: fastify.log })
      fastify.log.info({ kind: db.kind, applied, ms: Math.round(performance.now() - started) }, 'database ready')
    } catch (err) {
      await db.close()
      throw err
    }
    fastify.decorate('db', db)
    fastify.addHook('onClose', async () => db.close())
  },
  { name: 'db', dependencies: ['config'] }
)
