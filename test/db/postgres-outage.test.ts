import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server, type Socket, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestApp, createTestDatabase, type TestApp, type TestDatabase } from '../helpers/app.js'
import { postgresBaseUrl } from '../helpers/postgres.js'

/** A TCP proxy in front of the shared Postgres: closing it is an outage this test controls. */
class Proxy {
  private server: Server | null = null
  private sockets = new Set<Socket>()
  port = 0

  async start(): Promise<void> {
    const target = new URL(postgresBaseUrl)
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname)
      for (const s of [client, upstream]) {
        this.sockets.add(s)
        s.on('close', () => this.sockets.delete(s))
        s.on('error', () => {})
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r))
    this.port = (this.server.address() as { port: number }).port
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => this.server!.close(() => r()))
  }
}

describe('Postgres outage at run time', () => {
  const proxy = new Proxy()
  let db: TestDatabase
  let t: TestApp

  beforeAll(async () => {
    db = await createTestDatabase(postgresBaseUrl)
    await proxy.start()
    const url = new URL(db.url)
    url.host = `127.0.0.1:${proxy.port}`
    t = await buildTestApp({ databaseUrl: url.toString(), env: { DATABASE_CONNECT_TIMEOUT_SECONDS: '5' } })
  })
  afterAll(async () => {
    await t?.close()
    await proxy.stop().catch(() => {})
    await db?.drop()
  })

  it('answers 503 with Retry-After while the database is unreachable, keeps /ready short, and recovers', async () => {
    expect((await t.app.inject({ url: '/api/calls' })).statusCode).toBe(200)

    await proxy.stop()
    // A page listed before the outage may be served from the list cache (no write can have changed it);
    // one never asked for needs the database.
    const uncached = '/api/calls?limit=7'
    const down = await t.app.inject({ url: uncached })
    expect(down.statusCode).toBe(503)
    expect(down.headers['retry-after']).toMatch(/^\d+$/)
    expect(down.json()).toMatchObject({ success: false, code: 'database_unavailable', error: expect.stringMatching(/database/i) })

    const v1 = await t.app.inject({ url: '/v1/models' })
    expect([200, 503]).toContain(v1.statusCode)

    const ready = await t.app.inject({ url: '/ready' })
    expect(ready.statusCode).toBe(503)
    const component = ready.json().components.database as { ok: boolean; error: string }
    expect(component.ok).toBe(false)
    expect(component.error.length).toBeLessThan(80)
    expect(component.error).not.toContain(new URL(db.url).pathname.slice(1))
    expect(component.error).not.toMatch(/prisma|invocation/i)

    await proxy.start()
    let again = 0
    for (let i = 0; i < 40 && again !== 200; i++) {
      again = (await t.app.inject({ url: uncached })).statusCode
      if (again !== 200) await new Promise((r) => setTimeout(r, 250))
    }
    expect(again).toBe(200)
  })
})

describe('Postgres unreachable at boot', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vx-boot-'))
  })
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('retries for DATABASE_CONNECT_TIMEOUT_SECONDS, then exits with one line naming DATABASE_URL and the host, without the password', async () => {
    // A port nothing listens on: bind one, then free it.
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const closedPort = (probe.address() as { port: number }).port
    await new Promise<void>((r) => probe.close(() => r()))

    const started = Date.now()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: `postgres://voxlens:hunter2secret@127.0.0.1:${closedPort}/voxlens`,
        DATABASE_CONNECT_TIMEOUT_SECONDS: '2'
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        resolve(null)
      }, 30_000)
      child.on('exit', (c) => {
        clearTimeout(timer)
        resolve(c)
      })
    })
    const elapsed = Date.now() - started
    expect(code, out).not.toBeNull()
    expect(code).not.toBe(0)
    expect(elapsed).toBeGreaterThanOrEqual(2_000)
    const failure = out.split('\n').filter((l) => /DATABASE_URL/.test(l))
    expect(failure, out).toHaveLength(1)
    expect(failure[0]).toContain(`127.0.0.1:${closedPort}`)
    expect(out).not.toContain('hunter2secret')
    expect(out).not.toMatch(/\n\s+at /)
    expect(out).not.toMatch(/wasm/i)
  }, 40_000)
})
