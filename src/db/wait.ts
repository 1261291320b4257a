import pg from 'pg'
import { isDatabaseConnectionError } from './errors.js'
import type { DbLogger } from './connect.js'

/** Start-up gave up on the database; its message is the one line an operator needs. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError'
}

/** host:port of a connection string, never its user or password. */
export function databaseAddress(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl)
    return `${url.hostname || 'localhost'}:${url.port || 5432}`
  } catch {
    return 'an invalid address'
  }
}

const reasonOf = (err: unknown) => {
  const e = err as { code?: string; message?: string }
  return e.code && /^E[A-Z]+$/.test(e.code) ? e.code : (e.message ?? String(err)).split('\n')[0]!
}

/**
 * Postgres may start after us (compose, a rebooting host): retry with backoff for up to
 * `timeoutSeconds`, then give up with a DatabaseUnreachableError. A server that answers but refuses
 * us (bad password, no such database) fails at once: waiting will not fix it.
 */
export async function waitForPostgres(databaseUrl: string, opts: { timeoutSeconds: number; logger?: DbLogger }): Promise<void> {
  const address = databaseAddress(databaseUrl)
  const deadline = Date.now() + opts.timeoutSeconds * 1000
  let delay = 250
  for (let attempt = 1; ; attempt++) {
    const left = deadline - Date.now()
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: Math.max(500, Math.min(5_000, left)) })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.end()
      return
    } catch (err) {
      await client.end().catch(() => {})
      const reason = reasonOf(err)
      if (!isDatabaseConnectionError(err)) {
        throw new DatabaseUnreachableError(`Postgres at ${address} (DATABASE_URL) refused the connection: ${reason}.`)
      }
      if (Date.now() + delay > deadline) {
        throw new DatabaseUnreachableError(
          `Could not reach Postgres at ${address} (DATABASE_URL) within ${opts.timeoutSeconds} s: ${reason}. ` +
            'Check that it is running and reachable, or raise DATABASE_CONNECT_TIMEOUT_SECONDS.'
        )
      }
      if (attempt === 1) opts.logger?.warn({ address, reason }, `waiting up to ${opts.timeoutSeconds} s for Postgres`)
      await new Promise((r) => setTimeout(r, delay))
      delay = Math.min(delay * 2, 5_000)
    }
  }
}
