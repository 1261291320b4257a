import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestApp, mode, type TestApp } from '../helpers/app.js'

describe('probes, docs, metrics and errors', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '3', NOT_FOUND_RATE_LIMIT_PER_MINUTE: '5' },
      extend: (app) => {
        // Routes a user cannot reach in production, used to drive the shared mechanisms.
        app.get('/test/explode', async () => {
          throw new Error('secret connection string postgres://u:p@db')
        })
        app.post('/test/audio', { preHandler: app.audioRateLimit }, async () => ({ ok: true }))
      }
    })
  })
  afterAll(async () => t.close())

  it('/health answers 200 with a component summary', async () => {
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('ok')
    expect(body.components.database.kind).toBe(mode === 'real' ? 'postgres' : 'pglite')
    expect(body.components.cache.kind).toBe(mode === 'real' ? 'redis' : 'memory')
    expect(body.components.queue.kind).toBe(mode === 'real' ? 'bullmq' : 'memory')
  })

  it('/ready answers 200 when the database (and Redis) are reachable', async () => {
    const res = await t.app.inject('/ready')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ready', components: { database: { ok: true }, cache: { ok: true } } })
  })

  it('serves Swagger UI and the OpenAPI document', async () => {
    const ui = await t.app.inject('/docs/')
    expect(ui.statusCode).toBe(200)
    expect(ui.headers['content-type']).toMatch(/html/)
    const spec = (await t.app.inject('/docs/json')).json()
    expect(spec.openapi).toMatch(/^3\./)
    expect(spec.paths['/api/auth/register'].post.operationId).toBe('register')
    expect(spec.components.schemas.ErrorResponse).toBeDefined()
  })

  it('answers malformed JSON with 400 and a JSON message', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "a", ' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ success: false, code: 'malformed_json', error: expect.stringMatching(/JSON/) })
  })

  it('answers unknown routes with a JSON 404, rate-limited', async () => {
    const res = await t.app.inject('/no/such/route')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: 'route_not_found', message: expect.stringContaining('/docs') })
    const api = await t.app.inject('/api/nothing')
    expect(api.json()).toMatchObject({ success: false, code: 'route_not_found' })
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await t.app.inject({ url: '/missing', remoteAddress: '10.9.9.9' })).statusCode)
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404])
    expect(statuses[5]).toBe(429)
  })

  it('never leaks internals of a 500', async () => {
    const res = await t.app.inject('/test/explode')
    expect(res.statusCode).toBe(500)
    expect(res.body).not.toContain('postgres://')
    expect(res.body).not.toContain('at ')
    expect(res.json()).toEqual({ error: 'internal_error', message: expect.stringContaining('request id') })
  })

  it('limits audio routes per IP per minute with 429, Retry-After and a JSON message', async () => {
    const ip = '10.1.2.3'
    const codes = []
    for (let i = 0; i < 4; i++) codes.push(await t.app.inject({ method: 'POST', url: '/test/audio', remoteAddress: ip }))
    expect(codes.slice(0, 3).map((r) => r.statusCode)).toEqual([200, 200, 200])
    const limited = codes[3]
    expect(limited.statusCode).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/3 requests per minute/) })
    // Another client is unaffected.
    expect((await t.app.inject({ method: 'POST', url: '/test/audio', remoteAddress: '10.1.2.4' })).statusCode).toBe(200)
  })

  it('echoes or assigns x-request-id', async () => {
    const given = await t.app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } })
    expect(given.headers['x-request-id']).toBe('abc-123')
    const assigned = await t.app.inject({ url: '/health', headers: { 'x-request-id': 'bad id with spaces' } })
    expect(assigned.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('sets security headers', async () => {
    const res = await t.app.inject('/health')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })

  it('exposes Prometheus metrics labelled by route template, valid for promtool', async () => {
    await t.app.inject({ method: 'DELETE', url: '/api/auth/keys/00000000-0000-0000-0000-000000000000' })
    const res = await t.app.inject('/metrics')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/plain/)
    expect(res.body).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/health"/)
    expect(res.body).toContain('route="/api/auth/keys/:id"')
    expect(res.body).not.toContain('00000000-0000')
    expect(res.body).toContain('process_cpu_user_seconds_total')
    expect(res.body).toContain('# TYPE voxlens_stage_duration_seconds histogram')

    if (!existsSync('/usr/bin/promtool')) {
      if (process.env.CI) throw new Error('promtool missing: .ci/run must install the Debian package prometheus')
      return
    }
    const file = join(mkdtempSync(join(tmpdir(), 'vx-metrics-')), 'metrics.txt')
    writeFileSync(file, res.body)
    // promtool exits non-zero on format errors; lint warnings go to stdout.
    const out = execFileSync('sh', ['-c', `promtool check metrics < ${file} 2>&1; echo "exit=$?"`]).toString()
    expect(out).toContain('exit=0')
  })
})
