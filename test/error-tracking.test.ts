import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, createTestDatabase, mode, signUp, testEnv, type TestApp, type TestDatabase } from './helpers/app.js'
import { startSentryStub, type SentryStub } from './helpers/stubs/sentry.js'
import { waitFor } from './queue/wait.js'
import { useErrorShape } from '../src/plugins/app/errors.js'

/** A scope built like /api (its error shape and auth hook) with a route that fails while a user is signed in. */
async function failingFamily(app: FastifyInstance) {
  await app.register(
    async (scope: FastifyInstance) => {
      useErrorShape(scope, (e) => ({ success: false, error: e.message, code: e.code }))
      scope.addHook('onRequest', scope.authenticate({ required: false }))
      scope.post<{ Body: { email: string } }>('/profile', async (request) => {
        // As a database error quotes the row it refused, the message carries what the user sent.
        throw new TypeError(`could not save the profile of ${request.body.email}`)
      })
    },
    { prefix: '/api-test' }
  )
}

const missingCall = { id: 'no-such-call', options: { diarize: false, emotion: false, analyze: false, async: true } }

describe('error tracking with SENTRY_DSN set', () => {
  let sentry: SentryStub
  let t: TestApp
  beforeAll(async () => {
    sentry = await startSentryStub()
    t = await buildTestApp({ env: { SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'staging' }, extend: failingFamily })
  })
  afterAll(async () => {
    await t?.close()
    await sentry?.close()
  })

  it('a 500 sends one event with the request id, route and exception, and no token, cookie or e-mail', async () => {
    const user = await signUp(t.app)
    const cookie = 'session=cookie-secret-7f3a9c'
    sentry.envelopes.length = 0
    const res = await t.app.inject({
      method: 'POST',
      url: '/api-test/profile',
      headers: { ...user.headers, cookie, 'x-request-id': 'req-sentry-1' },
      payload: { email: user.email }
    })
    expect(res.statusCode).toBe(500)
    expect(res.json().error).not.toContain(user.email)
    // A 4xx is the caller's mistake, not ours: it is not reported.
    expect((await t.app.inject({ url: '/api/calls/not-a-call', headers: user.headers })).statusCode).toBeGreaterThanOrEqual(400)
    expect(await t.app.errorTracking.flush()).toBe(true)

    const events = sentry.events()
    expect(events).toHaveLength(1)
    const [event] = events
    expect(event.tags).toMatchObject({ request_id: 'req-sentry-1', route: '/api-test/profile', method: 'POST', service: 'api' })
    expect(event.environment).toBe('staging')
    expect(event.exception?.values.at(-1)).toMatchObject({ type: 'TypeError', value: 'could not save the profile of [email]' })
    expect(event.request).toBeUndefined()
    expect(event.user).toBeUndefined()
    const raw = sentry.envelopes.map((e) => e.raw).join('\n')
    for (const secret of [user.token, 'cookie-secret-7f3a9c', user.email]) expect(raw).not.toContain(secret)
  })

  it("a job's final failure sends an event tagged with the job's name, id and attempt", async () => {
    const jobId = await t.app.queue.add('process-call', missingCall, { jobId: `sentry-${Date.now()}` })
    const event = await waitFor(
      () => sentry.events().find((e) => e.tags?.job === 'process-call'),
      (e) => e !== undefined,
      15_000
    )
    expect(event?.tags).toMatchObject({ job: 'process-call', job_id: jobId, attempt: '1' })
    expect(event?.exception?.values.length).toBeGreaterThan(0)
  })
})

describe('error tracking with SENTRY_DSN unset', () => {
  it('reports nothing, even while another app in the process reports to Sentry', async () => {
    const sentry = await startSentryStub()
    const reporting = await buildTestApp({ env: { SENTRY_DSN: sentry.dsn } })
    const t = await buildTestApp({ extend: failingFamily })
    try {
      expect(t.app.errorTracking.enabled).toBe(false)
      const res = await t.app.inject({ method: 'POST', url: '/api-test/profile', payload: { email: 'someone@example.com' } })
      expect(res.statusCode).toBe(500)
      const jobId = await t.app.queue.add('process-call', missingCall, { jobId: `quiet-${Date.now()}` })
      expect(
        (
          await waitFor(
            () => t.app.queue.get(jobId),
            (j) => j?.state === 'failed'
          )
        )?.state
      ).toBe('failed')
      await reporting.app.errorTracking.flush()
      expect(sentry.hits).toBe(0)
    } finally {
      await t.close()
      await reporting.close()
      await sentry.close()
    }
  })
})

/** Runs `npm start`'s or `npm run worker`'s entry point as its own process, ready to crash on a line of input. */
async function startProcess(entry: 'src/server.ts' | 'src/worker.ts', env: Record<string, string | undefined>, ready: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/helpers/crash-on-input.mjs', entry], {
    env: { PATH: process.env.PATH, ...testEnv({ LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', SHUTDOWN_TIMEOUT_MS: '5000', ...env }) },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let output = ''
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString()
      if (output.includes(ready)) resolve()
    })
    void exited.then((code) => reject(new Error(`${entry} exited (${code}) before it was ready:\n${output}`)))
  })
  return { child, exited, output: () => output }
}

describe('crashes', () => {
  let sentry: SentryStub
  let dataDir: string
  let db: TestDatabase | null
  beforeAll(async () => {
    sentry = await startSentryStub()
    dataDir = await mkdtemp(join(tmpdir(), 'vx-crash-'))
    db = mode === 'real' ? await createTestDatabase() : null
  })
  afterAll(async () => {
    await sentry?.close()
    await db?.drop()
    await rm(dataDir, { recursive: true, force: true })
  })
  const env = () => ({ SENTRY_DSN: sentry.dsn, DATA_DIR: dataDir, DATABASE_URL: db?.url })

  it('an uncaught error in the API process reaches Sentry as fatal before the process exits', async () => {
    const server = await startProcess('src/server.ts', env(), 'Server listening')
    server.child.stdin.write('crash\n')
    expect(await server.exited).toBe(1)
    const crash = sentry.events().find((e) => e.tags?.crash === 'true' && e.tags.service === 'api')
    expect(crash, server.output()).toMatchObject({ level: 'fatal', exception: { values: [{ type: 'Error', value: 'crash on purpose' }] } })
  }, 120_000)

  it.runIf(process.env.REDIS_URL)(
    'so does one in the worker process',
    async () => {
      const worker = await startProcess('src/worker.ts', env(), 'worker ready')
      worker.child.stdin.write('crash\n')
      expect(await worker.exited).toBe(1)
      const crash = sentry.events().find((e) => e.tags?.crash === 'true' && e.tags.service === 'worker')
      expect(crash, worker.output()).toMatchObject({ level: 'fatal', exception: { values: [{ type: 'Error', value: 'crash on purpose' }] } })
    },
    120_000
  )
})
