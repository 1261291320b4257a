import type { PGlite } from '@electric-sql/pglite'
import { PrismaPg } from '@prisma/adapter-pg'
import { DriverAdapterError, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import { createInMemoryPglite } from './in-memory-pglite.js'

/**
 * Driver adapter factories handed to Prisma's schema engine.
 *
 * The stock factories are fine for queries but not for migrations:
 * - PrismaPGlite's `executeScript` does not await the script, so a failing migration is
 *   recorded as finished and its error surfaces later as an unhandled rejection; its shadow
 *   database is a PGlite instance that is never closed.
 * - PrismaPg's `executeScript` splits the script on every `;` (breaking `DO $$ ... $$` blocks and
 *   string literals) and runs each piece on whichever pooled connection is free; its shadow
 *   database is reached with `{ ...config, database }`, which a `connectionString` silently
 *   overrides, so the "shadow" replay lands in the main database.
 * Prisma's own engine sends a migration as one simple-protocol batch on one session, so these
 * factories do the same. That also keeps the engine's advisory lock on the session that runs the
 * migration.
 */

/** Schema-engine factory over an existing PGlite. */
export function pgliteMigrationFactory(client: PGlite): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: 'voxlens-pglite-migrations',
    // The caller owns `client`, so disposing the engine's connection must not close it.
    connect: () => pgliteAdapter(client, async () => {}),
    connectToShadowDb: inMemoryShadow
  }
}

/** Schema-engine factory for a Postgres URL. */
export function postgresMigrationFactory(connectionString: string): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: 'voxlens-pg-migrations',
    connect: () => singleSessionAdapter(connectionString),
    // A shadow database on the server itself would need CREATEDB, and through @prisma/adapter-pg
    // the engine cannot read it back anyway: describing a schema fails with "Column type 'char'
    // could not be deserialized". The shadow only replays migrations, so PGlite serves as well.
    connectToShadowDb: inMemoryShadow
  }
}

/** Shadow databases (scratch space where the engine replays migrations) are fresh in-memory PGlites. */
async function inMemoryShadow(): Promise<SqlDriverAdapter> {
  const shadow = await createInMemoryPglite()
  return pgliteAdapter(shadow, () => shadow.close())
}

async function pgliteAdapter(client: PGlite, afterDispose: () => Promise<void>): Promise<SqlDriverAdapter> {
  return batchScripts(await new PrismaPGlite(client).connect(), (script) => client.exec(script), afterDispose)
}

async function singleSessionAdapter(connectionString: string): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPg({ connectionString, max: 1 }).connect()
  const pool = adapter.underlyingDriver()
  return batchScripts(
    adapter,
    (script) => pool.query(script),
    async () => {}
  )
}

/** Wraps an adapter so `executeScript` runs the whole script as one batch and `dispose` also runs `afterDispose`. */
function batchScripts(adapter: SqlDriverAdapter, runScript: (script: string) => Promise<unknown>, afterDispose: () => Promise<void>): SqlDriverAdapter {
  let disposing: Promise<void> | undefined
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    async executeScript(script) {
      try {
        await runScript(script)
      } catch (error) {
        throw asDriverAdapterError(error)
      }
    },
    // The engine disposes shadow connections itself and we dispose everything it opened
    // afterwards; a second dispose would end a pool twice or close a closed PGlite.
    dispose() {
      disposing ??= adapter.dispose().finally(afterDispose)
      return disposing
    }
  }
}

interface PostgresErrorFields {
  message: string
  code: string
  severity?: string
  detail?: string
  column?: string
  hint?: string
}

/** The engine only reports a database error's details when it arrives as a DriverAdapterError. */
function asDriverAdapterError(error: unknown): unknown {
  if (!(error instanceof Error) || typeof (error as Partial<PostgresErrorFields>).code !== 'string') return error
  const pgError = error as Error & PostgresErrorFields
  return new DriverAdapterError({
    kind: 'postgres',
    code: pgError.code,
    severity: pgError.severity ?? 'ERROR',
    message: pgError.message,
    detail: pgError.detail,
    column: pgError.column,
    hint: pgError.hint
  })
}
