import { afterAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import pino from 'pino'
import { createBullQueue } from '../../src/queue/bullmq.js'
import { createMemoryQueue } from '../../src/queue/memory.js'
import type { JobQueue } from '../../src/queue/types.js'
import { createTestDatabase, mode, testEnv } from '../helpers/app.js'

const log = pino({ level: 'silent' })

async function waitFor<T>(get: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = await get()
    if (done(v) || Date.now() > until) return v
    await new Promise((r) => setTimeout(r, 50))
  }
}

function behavesLikeAQueue(make: () => JobQueue) {
  const queues: JobQueue[] = []
  afterAll(async () => { await Promise.all(queues.map((q) => q.close())) })

  it('moves a job through queued -> processing -> completed with progress', async () => {
    const q = make()
    queues.push(q)
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const id = await q.add('transcode', { n: 2 })
    expect((await q.get(id))?.state).toBe('queued')
    q.work({
      transcode: async (job) => {
        await job.progress(40)
        await gate
        return { doubled: (job.data as { n: number }).n * 2 }
      }
    }, { concurrency: 1 })
    const running = await waitFor(() => q.get(id), (j) => j?.progress === 40)
    expect(running).toMatchObject({ state: 'processing', progress: 40 })
    release()
    const done = await waitFor(() => q.get(id), (j) => j?.state === 'completed')
    expect(done).toMatchObject({ state: 'completed', progress: 100, result: { doubled: 4 } })
  })

  it('keeps the reason of a failed job', async () => {
    const q = make()
    queues.push(q)
    q.work({ flaky: async () => { throw new Error('decoder exploded') } }, { concurrency: 1 })
    const id = await q.add('flaky', {})
    const failed = await waitFor(() => q.get(id), (j) => j?.state === 'failed')
    expect(failed).toMatchObject({ state: 'failed', error: 'decoder exploded' })
    expect(await q.get('no-such-job')).toBeNull()
  })
}

describe('in-process queue', () => behavesLikeAQueue(createMemoryQueue))

describe.runIf(mode === 'real')('BullMQ queue on Redis', () => {
  const prefix = () => `vxtest-${randomBytes(4).toString('hex')}`
  behavesLikeAQueue(() => {
    const q = createBullQueue(process.env.REDIS_URL!, prefix(), log)
    return q
  })

  it('is consumed by `npm run worker` running in another process', async () => {
    const db = await createTestDatabase()
    const env = testEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'info' })
    const producer = createBullQueue(process.env.REDIS_URL!, env.REDIS_PREFIX!, log)
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    try {
      const id = await producer.add('purge-dead-tokens', {})
      const done = await waitFor(() => producer.get(id), (j) => j?.state === 'completed', 60_000)
      expect(done, output).toMatchObject({ state: 'completed', result: { removed: 0 } })
      expect(output).toContain('worker ready')
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      await producer.close()
      await db.drop()
    }
    // Graceful: the worker closed its queue, database and Redis and exited on SIGTERM.
    expect(output).toContain('worker stopping')
  })
})
