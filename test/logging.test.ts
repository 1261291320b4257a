import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, signUp, type TestApp } from './helpers/app.js'
import { captureLogs } from './helpers/logs.js'
import { useErrorShape } from '../src/plugins/app/errors.js'

describe('secrets stay out of logs', () => {
  let t: TestApp
  const logs = captureLogs()
  beforeAll(async () => {
    t = await buildTestApp({
      logStream: logs.stream,
      extend: async (app) => {
        await app.register(
          async (scope: FastifyInstance) => {
            // A scope built like /api (its error shape and auth hook) with a route that fails, so a 5xx
            // is logged while a signed-in user's credentials are on the request.
            useErrorShape(scope, (e) => ({ success: false, error: e.message, code: e.code }))
            scope.addHook('onRequest', scope.authenticate({ required: false }))
            scope.get('/explode', async () => {
              throw new Error('database went away')
            })
          },
          { prefix: '/api-test' }
        )
      }
    })
  })
  afterAll(async () => t.close())

  it('a 500 logs a short line without the token, the cookie or the e-mail', async () => {
    const user = await signUp(t.app)
    const cookie = 'session=cookie-secret-7f3a9c'
    logs.lines.length = 0
    const res = await t.app.inject({ url: '/api-test/explode', headers: { ...user.headers, cookie } })
    expect(res.statusCode).toBe(500)

    const failed = logs.records().filter((r) => r.msg === 'request failed')
    expect(failed).toHaveLength(1)
    const text = logs.text()
    expect(text).toContain('database went away')
    for (const secret of [user.token, 'cookie-secret-7f3a9c', user.email]) expect(text).not.toContain(secret)
    for (const line of logs.lines) expect(Buffer.byteLength(line)).toBeLessThan(2048)
  })

  it('neither the request logger nor a 4xx rejection line shows a bearer secret', async () => {
    const forged = 'vxl_forged-secret-value-0123456789abcdef'
    logs.lines.length = 0
    const rejected = await t.app.inject({ url: '/api/calls', headers: { authorization: `Bearer ${forged}`, cookie: 'session=cookie-secret-7f3a9c' } })
    expect(rejected.statusCode).toBe(401)
    const badBody = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "maria", "password": "hunter2-secret"'
    })
    expect(badBody.statusCode).toBe(400)

    const records = logs.records()
    expect(records.some((r) => r.msg === 'incoming request')).toBe(true)
    expect(records.filter((r) => r.msg === 'request rejected')).toHaveLength(2)
    const text = logs.text()
    for (const secret of [forged, 'cookie-secret-7f3a9c', 'hunter2-secret']) expect(text).not.toContain(secret)
  })

  it('a token in the query string (how browsers pass one to a WebSocket) is masked in the request log', async () => {
    const secret = 'vxl_query-secret-value-0123456789abcdef'
    logs.lines.length = 0
    const res = await t.app.inject({ url: `/ws/00000000-0000-4000-8000-000000000000?lang=en&token=${secret}` })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    const incoming = logs.records().filter((r) => r.msg === 'incoming request')
    expect(incoming).toHaveLength(1)
    expect(JSON.stringify(incoming[0])).toContain('token=[redacted]')
    expect(JSON.stringify(incoming[0])).toContain('lang=en')
    expect(logs.text()).not.toContain(secret)
  })
})

describe('start-up warning about anonymous records', () => {
  it('AUTH_MODE=optional warns that anonymous records are shared and names AUTH_MODE=required', async () => {
    const logs = captureLogs()
    const t = await buildTestApp({ logStream: logs.stream })
    await t.close()
    const warnings = logs.records().filter((r) => r.level === 40 && r.msg.includes('AUTH_MODE=optional'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.msg).toMatch(/anonymous.*share.*AUTH_MODE=required/)
  })

  it('AUTH_MODE=required does not', async () => {
    const logs = captureLogs()
    const t = await buildTestApp({ env: { AUTH_MODE: 'required' }, logStream: logs.stream })
    await t.close()
    expect(logs.text()).not.toContain('AUTH_MODE=optional')
  })
})
