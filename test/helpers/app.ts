import { randomBytes } from 'node:crypto'
import type { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { loggerOptions } from '../../src/logger.js'
import { createTestDatabase } from './postgres.js'

/**
 * Tests run twice in CI: against the real Postgres and Redis named by DATABASE_URL / REDIS_URL, and
 * embedded (neither set). Each app gets its own database and Redis key prefix so test files can run
 * in parallel without seeing each other's rows, limits or jobs.
 */
export const mode: 'real' | 'embedded' = process.env.DATABASE_URL ? 'real' : 'embedded'

export { createTestDatabase, type TestDatabase } from './postgres.js'

export interface TestApp {
  app: FastifyInstance
  /** Closes the app and drops its database. */
  close(): Promise<void>
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>
  /** Reuse an existing database (restart tests) instead of creating a fresh one. */
  databaseUrl?: string
  /** Registers extra routes before the app is ready. */
  extend?: (app: FastifyInstance) => void | Promise<void>
  /** Receives the production logger's JSON lines (level info); without it the app logs nothing. */
  logStream?: Writable
}

export function testEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: process.env.REDIS_URL,
    REDIS_PREFIX: `vxtest-${randomBytes(4).toString('hex')}`,
    // Tests share two cores with other test files, so event-loop lag says nothing about this app's
    // load: shedding is off unless a test turns it on to test it.
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...extra
  }
}

export async function buildTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const fresh = mode === 'real' && !opts.databaseUrl ? await createTestDatabase() : null
  const config = loadConfig(testEnv({ DATABASE_URL: opts.databaseUrl ?? fresh?.url, ...opts.env }))
  const logger = opts.logStream ? { ...(loggerOptions({ ...config, NODE_ENV: 'production', LOG_LEVEL: 'info' }) as object), stream: opts.logStream } : false
  const app = await buildApp({ config, logger, db: { inMemory: !config.DATABASE_URL && !opts.env?.DATA_DIR } })
  if (opts.extend) await opts.extend(app)
  await app.ready()
  return {
    app,
    async close() {
      await app.close()
      await fresh?.drop()
    }
  }
}

/** Registers and logs in a user; returns the bearer header for it. */
export async function signUp(app: FastifyInstance, username = `user${randomBytes(3).toString('hex')}`) {
  const password = 'correct horse battery'
  const email = `${username}@example.com`
  const reg = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { username, password, email } })
  if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.statusCode} ${reg.body}`)
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
  const { token, user_id } = login.json().data
  return { username, password, email, token: token as string, userId: user_id as string, headers: { authorization: `Bearer ${token}` } }
}
