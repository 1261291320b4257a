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

export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

/**
 * A fresh, empty database on the test server, so test files run in parallel without seeing each
 * other's rows and each run leaves nothing behind.
 */
export async function createTestDatabase(baseUrl = postgresBaseUrl, prefix = 'vx_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  await runAsAdmin(baseUrl, `CREATE DATABASE "${name}"`)
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    // FORCE: a test that failed half-way may still hold connections.
    drop: () => runAsAdmin(baseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  }
}

async function runAsAdmin(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}
