import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** Server the Postgres tests create their databases on; DATABASE_URL wins so CI can point elsewhere. */
export const postgresBaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'

/** Postgres tests skip on a laptop without Postgres, but must fail in CI rather than pass vacuously. */
export async function shouldSkipPostgres(): Promise<boolean> {
  if (process.env.CI === 'true') return false
  const client = new pg.Client({ connectionString: postgresBaseUrl, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    return false
  } catch {
    return true
  } finally {
    await client.end().catch(() => {})
  }
}

export interface ThrowawayDatabase {
  url: string
  drop(): Promise<void>
}

/** A fresh, empty database on the test server, so each run starts clean and leaves nothing behind. */
export async function createThrowawayDatabase(prefix = 'vx_mig'): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  await runAsAdmin(`CREATE DATABASE "${name}"`)
  const url = new URL(postgresBaseUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    // FORCE: a test that failed half-way may still hold connections.
    drop: () => runAsAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  }
}

async function runAsAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresBaseUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}
