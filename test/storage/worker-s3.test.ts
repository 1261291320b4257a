import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestApp, createTestDatabase, testEnv, type TestApp, type TestDatabase } from '../helpers/app.js'
import { startS3, type S3Stub } from '../helpers/stubs/s3.js'
import { synthesize } from '../fixtures/speech.js'

const SENTENCE = 'I would like to buy the premium plan for my company'

// A separate worker shares jobs through Redis and records through Postgres; embedded mode has neither.
const missing = ['DATABASE_URL', 'REDIS_URL'].filter((name) => !process.env[name])
const title = 'a worker process with its own disk transcribes uploads it reads from the bucket'

describe.skipIf(missing.length > 0)(missing.length ? `${title} (skipped: needs ${missing.join(' and ')} for a separate worker)` : title, () => {
  let s3: S3Stub
  let db: TestDatabase
  let t: TestApp
  let worker: ChildProcess
  let output = ''
  let base: string
  let workerEnv: Record<string, string | undefined>
  const dirs: string[] = []
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vx-node-'))
    dirs.push(dir)
    return dir
  }

  beforeAll(async () => {
    s3 = await startS3()
    db = await createTestDatabase()
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey
    const env = testEnv({ ...s3.env, DATABASE_URL: db.url, RUN_WORKER_IN_PROCESS: 'false', STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000' })
    // The API runs its migrations before the worker starts, so the two never race on them.
    t = await buildTestApp({ databaseUrl: db.url, env: { ...env, DATA_DIR: await tempDir() } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    // The worker's DATA_DIR is another empty directory: the API's disk is out of its reach.
    workerEnv = { ...process.env, ...env, DATA_DIR: await tempDir(), LOG_LEVEL: 'info' }
  })
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM')
      await new Promise((r) => worker.once('exit', r))
    }
    await t?.close()
    await db?.drop()
    await s3?.close()
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })

  it('completes an async upload with the spoken words', async () => {
    const form = new FormData()
    form.append('file', new Blob([readFileSync(await synthesize(SENTENCE, { voice: 'slt', padStart: 0.3, padEnd: 0.3 }))]), 'call.wav')
    form.append('async', 'true')
    form.append('diarize', 'false')
    const res = await fetch(`${base}/api/calls`, { method: 'POST', body: form })
    const queued = (await res.json()) as any
    expect(res.status, JSON.stringify(queued)).toBe(202)
    const id = queued.data.id
    // The API works no jobs itself: the record waits until a worker exists.
    await new Promise((r) => setTimeout(r, 500))
    expect(((await (await fetch(`${base}/api/calls/${id}`)).json()) as any).data.status).toBe('queued')

    worker = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: workerEnv,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    worker.stdout!.on('data', (d) => (output += d))
    worker.stderr!.on('data', (d) => (output += d))

    let record: any
    for (const until = Date.now() + 90_000; Date.now() < until;) {
      record = ((await (await fetch(`${base}/api/calls/${id}`)).json()) as any).data
      if (record.status === 'completed' || record.status === 'failed' || worker.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(record.status, `${JSON.stringify(record)}\nworker output:\n${output}`).toBe('completed')
    expect(record.transcript).toMatch(/premium plan/)
    expect(record.engine).toBe('sphinx')

    // Neither process kept the audio on its own disk.
    for (const dir of dirs) expect(existsSync(join(dir, 'blobs')), `${dir}: ${await readdir(dir)}`).toBe(false)
  }, 150_000)
})
