import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { buildTestApp, type TestApp } from './helpers/app.js'

const REDIS = '/usr/bin/redis-server'

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)))
  })
  return child
}

async function until(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

// A private redis-server that the test can kill, so the shared one is never disturbed.
describe.runIf(existsSync(REDIS) || process.env.CI)('Redis outage', () => {
  let t: TestApp
  let redis: ChildProcess
  let port: number

  beforeAll(async () => {
    port = await freePort()
    redis = await startRedis(port)
    t = await buildTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } })
  })
  afterAll(async () => {
    redis.kill('SIGKILL')
    await t.close()
  })

  it('degrades to memory, shows in /ready, never fails requests, and recovers', async () => {
    expect((await t.app.inject('/ready')).statusCode).toBe(200)
    await t.app.cache.set('k', 'before')

    redis.kill('SIGKILL')
    await new Promise((r) => redis.once('exit', r))
    expect(await until(async () => (await t.app.inject('/ready')).statusCode === 503)).toBe(true)
    const ready = (await t.app.inject('/ready')).json()
    expect(ready.components.cache).toMatchObject({ ok: false, detail: { kind: 'redis', degraded: true } })

    // Requests keep working: the cache and the rate limiter fall back instead of throwing.
    await t.app.cache.set('k', 'during')
    expect(await t.app.cache.get('k')).toBe('during')
    expect((await t.app.inject('/api/calls')).statusCode).toBe(200)
    expect((await t.app.inject('/health')).json().components.cache.degraded).toBe(true)

    redis = await startRedis(port)
    expect(await until(async () => (await t.app.inject('/ready')).statusCode === 200)).toBe(true)
  })
})
