import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import type { ChildProcess } from 'node:child_process'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, signUp, testEnv, type TestApp } from './helpers/app.js'
import { captureLogs } from './helpers/logs.js'
import { REDIS_SERVER, freePort, startRedis } from './helpers/redis-server.js'

// An upload without a file is refused by the handler (4xx) but still counts against the limits.
const upload = (app: FastifyInstance, ip: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/calls', remoteAddress: ip, headers })

async function statuses(app: FastifyInstance, n: number, ip: string, headers?: Record<string, string>) {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await upload(app, ip, headers)).statusCode)
  return out
}

describe('audio limits: the day window, per IP and per account', () => {
  let t: TestApp
  // The minute limit (tested in system.test.ts) is far away here, so only the day window can refuse.
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_DAY: '3' } })
  })
  afterAll(async () => t.close())

  it('refuses past RATE_LIMIT_PER_DAY even when the minute limit is far away', async () => {
    const codes = await statuses(t.app, 8, '10.20.0.1')
    expect(codes.slice(0, 3)).not.toContain(429)
    expect(codes.slice(3)).toEqual([429, 429, 429, 429, 429])
    const refused = await upload(t.app, '10.20.0.1')
    expect(refused.json()).toMatchObject({ success: false, code: 'rate_limited', error: expect.stringMatching(/3 requests per day from one IP address/) })
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(23 * 3600)
    // Another address is unaffected.
    expect((await upload(t.app, '10.20.0.2')).statusCode).not.toBe(429)
  })

  it("follows a signed-in user's account across IP addresses", async () => {
    const user = await signUp(t.app)
    const codes = []
    for (const ip of ['10.30.0.1', '10.30.0.2', '10.30.0.3', '10.30.0.4']) codes.push((await upload(t.app, ip, user.headers)).statusCode)
    expect(codes.slice(0, 3)).not.toContain(429)
    expect(codes[3]).toBe(429)
    expect((await upload(t.app, '10.30.0.5', user.headers)).json().error).toMatch(/3 requests per day for one account/)
    // The same fresh address without the account's token is a different client.
    expect((await upload(t.app, '10.30.0.6')).statusCode).not.toBe(429)
  })
})

describe.runIf(process.env.REDIS_URL)('audio limits across instances', () => {
  const apps: TestApp[] = []
  afterAll(async () => {
    await Promise.all(apps.map((t) => t.close()))
  })

  it('share the day count through Redis', async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_DAY: '3', REDIS_PREFIX: testEnv().REDIS_PREFIX! }
    apps.push(await buildTestApp({ env }), await buildTestApp({ env }))
    const [a, b] = apps.map((t) => t.app) as [FastifyInstance, FastifyInstance]
    await statuses(a, 2, '10.40.0.1')
    expect(await statuses(b, 2, '10.40.0.1')).toEqual([expect.any(Number), 429])
    expect((await upload(a, '10.40.0.1')).statusCode).toBe(429)
  })
})
describe.runIf(existsSync(REDIS_SERVER) || process.env.CI)('audio limits while Redis is down', () => {
  let t: TestApp
  let redis: ChildProcess
  afterAll(async () => {
    redis.kill('SIGKILL')
    await t.close()
  })

  it('keep refusing from memory and warn once', async () => {
    const port = await freePort()
    redis = await startRedis(port)
    const logs = captureLogs()
    t = await buildTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_PER_MINUTE: '2' }, logStream: logs.stream })
    redis.kill('SIGKILL')
    await new Promise((r) => redis.once('exit', r))
    await new Promise((r) => setTimeout(r, 200))

    expect(await statuses(t.app, 3, '10.50.0.1')).toEqual([expect.any(Number), expect.any(Number), 429])
    expect(await statuses(t.app, 3, '10.50.0.2')).toEqual([expect.any(Number), expect.any(Number), 429])
    const warnings = logs.records().filter((r) => r.level === 40 && /rate limit/i.test(r.msg))
    expect(warnings).toHaveLength(1)
  })
})
