import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { captureLogs } from '../helpers/logs.js'
import { startSentryStub, type SentryStub } from '../helpers/stubs/sentry.js'
import { useErrorShape } from '../../src/plugins/app/errors.js'
import { databaseUnavailable } from '../../src/db/errors.js'

const LEAKY = 'connect ECONNREFUSED 10.20.30.40:6380 (db "acme_prod", /srv/voxlens/models/en-us.bin)'

/**
 * A scope shaped like /api whose routes fail the ways a request can: the database pool has no free
 * connection (pg's own error), the database is gone, or a bug. Also a readiness check whose
 * dependency fails with a message that names hosts, databases and paths.
 */
async function failures(app: FastifyInstance) {
  app.health.addCheck('billing', async () => {
    throw new Error(LEAKY)
  })
  await app.register(
    async (scope: FastifyInstance) => {
      useErrorShape(scope, (e) => ({ success: false, error: e.message, code: e.code }))
      scope.get('/busy', async () => {
        throw new Error('timeout exceeded when trying to connect')
      })
      scope.get('/outage', async () => {
        throw databaseUnavailable()
      })
      scope.get('/bug', async () => {
        throw new TypeError('cannot read properties of undefined')
      })
    },
    { prefix: '/api-test' }
  )
}

describe('503s and /ready', () => {
  let sentry: SentryStub
  let t: TestApp
  const logs = captureLogs()
  beforeAll(async () => {
    sentry = await startSentryStub()
    t = await buildTestApp({ env: { SENTRY_DSN: sentry.dsn }, extend: failures, logStream: logs.stream })
  }, 240_000)
  afterAll(async () => {
    await t?.close()
    await sentry?.close()
  })

  it('logs a 503 from a busy or absent database at warn and keeps it out of Sentry; a bug is an error and an event', async () => {
    sentry.envelopes.length = 0
    for (const [url, code] of [
      ['/api-test/busy', 'database_busy'],
      ['/api-test/outage', 'database_unavailable']
    ]) {
      const res = await t.app.inject({ url, headers: { 'x-request-id': `req-${code}` } })
      expect(res.statusCode).toBe(503)
      expect(res.headers['retry-after']).toMatch(/^\d+$/)
      expect(res.json()).toMatchObject({ success: false, code })
      const lines = logs.records().filter((l) => l.reqId === `req-${code}` && l.level >= 40)
      expect(lines.map((l) => l.level)).toEqual([40])
    }
    const bug = await t.app.inject({ url: '/api-test/bug', headers: { 'x-request-id': 'req-bug' } })
    expect(bug.statusCode).toBe(500)
    expect(
      logs
        .records()
        .filter((l) => l.reqId === 'req-bug' && l.level >= 40)
        .map((l) => l.level)
    ).toEqual([50])

    expect(await t.app.errorTracking.flush()).toBe(true)
    const events = sentry.events()
    expect(events.map((e) => e.tags?.request_id)).toEqual(['req-bug'])
  })

  it("/ready never shows a dependency's raw error; the log keeps it, once while it lasts", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject('/ready')
      expect(res.statusCode).toBe(503)
      const billing = res.json().components.billing as { ok: boolean; error: string }
      expect(billing.ok).toBe(false)
      expect(billing.error).toMatch(/server log/)
      for (const secret of ['10.20.30.40', 'acme_prod', '/srv/voxlens', 'ECONNREFUSED']) expect(res.body).not.toContain(secret)
    }
    const logged = logs.records().filter((l) => l.msg === 'readiness check failed' && l.component === 'billing')
    expect(logged).toHaveLength(1)
    expect(logged[0]!.reason).toBe(LEAKY)
    expect(logged[0]!.level).toBe(40)
  })
})
