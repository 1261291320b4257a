import { afterAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { createBullQueue } from '../../src/queue/bullmq.js'
import { createMemoryQueue } from '../../src/queue/memory.js'
import { UnrecoverableError } from '../../src/queue/errors.js'
import type { JobDefaults, JobQueue } from '../../src/queue/types.js'
import { mode } from '../helpers/app.js'
import { waitFor } from './wait.js'

const log = pino({ level: 'silent' })

/** A job map of its own: the queue is generic, the service's jobs are only one instance of it. */
interface TestJobs {
  transcode: { n: number }
  broken: Record<string, never>
  flaky: { failTimes: number }
  doomed: { reason: string }
  tick: { label: string }
}

type MakeQueue = (defaults?: JobDefaults<TestJobs>) => JobQueue<TestJobs>

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function behavesLikeAQueue(make: MakeQueue) {
  const queues: JobQueue<TestJobs>[] = []
  const fresh: MakeQueue = (defaults) => {
    const q = make(defaults)
    queues.push(q)
    return q
  }
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()))
  })

  /** Handlers for the names a test does not use. */
  const idle = {
    transcode: async () => null,
    broken: async () => null,
    flaky: async () => null,
    doomed: async () => null,
    tick: async () => null
  }

  it('moves a job through queued -> processing -> completed with progress', async () => {
    const q = fresh()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const id = await q.add('transcode', { n: 2 })
    expect((await q.get(id))?.state).toBe('queued')
    q.work(
      {
        ...idle,
        transcode: async (job) => {
          await job.progress(40)
          await gate
          return { doubled: job.data.n * 2 }
        }
      },
      { concurrency: 1 }
    )
    const running = await waitFor(
      () => q.get(id),
      (j) => j?.progress === 40
    )
    expect(running).toMatchObject({ state: 'processing', progress: 40 })
    release()
    const done = await waitFor(
      () => q.get(id),
      (j) => j?.state === 'completed'
    )
    expect(done).toMatchObject({ state: 'completed', progress: 100, result: { doubled: 4 } })
  })

  it('keeps the reason of a failed job', async () => {
    const q = fresh()
    q.work(
      {
        ...idle,
        broken: async () => {
          throw new Error('decoder exploded')
        }
      },
      { concurrency: 1 }
    )
    const id = await q.add('broken', {})
    const failed = await waitFor(
      () => q.get(id),
      (j) => j?.state === 'failed'
    )
    expect(failed).toMatchObject({ state: 'failed', error: 'decoder exploded' })
    expect(await q.get('no-such-job')).toBeNull()
  })

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const q = fresh()
    const runs: { at: number; attempt: number; attempts: number }[] = []
    q.work(
      {
        ...idle,
        flaky: async (job) => {
          runs.push({ at: Date.now(), attempt: job.attempt, attempts: job.attempts })
          if (job.attempt <= job.data.failTimes) throw new Error(`failure ${job.attempt}`)
          return { ok: true }
        }
      },
      { concurrency: 1 }
    )
    const id = await q.add('flaky', { failTimes: 2 }, { attempts: 5, backoff: { type: 'exponential', delay: 200 } })
    // Between retries the job waits in the queue, not failed.
    const waiting = await waitFor(
      () => q.get(id),
      (j) => runs.length === 1 && j?.state !== 'processing'
    )
    expect(waiting?.state).toBe('queued')
    const done = await waitFor(
      () => q.get(id),
      (j) => j?.state === 'completed'
    )
    expect(done).toMatchObject({ state: 'completed', result: { ok: true } })
    expect(runs.map((r) => [r.attempt, r.attempts])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5]
    ])
    const [first, second] = [runs[1]!.at - runs[0]!.at, runs[2]!.at - runs[1]!.at]
    expect(first).toBeGreaterThanOrEqual(190)
    expect(second).toBeGreaterThanOrEqual(390)
    expect(second).toBeGreaterThan(first)
  })

  it('applies the retry policy configured for a job name', async () => {
    const q = fresh({ flaky: { attempts: 2, backoff: { type: 'fixed', delay: 50 } } })
    let runs = 0
    q.work(
      {
        ...idle,
        flaky: async () => {
          runs++
          throw new Error('still down')
        }
      },
      { concurrency: 1 }
    )
    const id = await q.add('flaky', { failTimes: 99 })
    const failed = await waitFor(
      () => q.get(id),
      (j) => j?.state === 'failed'
    )
    expect(failed).toMatchObject({ state: 'failed', error: 'still down' })
    expect(runs).toBe(2)
  })

  it('fails at once on an UnrecoverableError, whatever attempts remain', async () => {
    const q = fresh()
    let runs = 0
    q.work(
      {
        ...idle,
        doomed: async (job) => {
          runs++
          throw new UnrecoverableError(job.data.reason)
        }
      },
      { concurrency: 1 }
    )
    const id = await q.add('doomed', { reason: 'receiver answered 404' }, { attempts: 5, backoff: { type: 'fixed', delay: 50 } })
    const failed = await waitFor(
      () => q.get(id),
      (j) => j?.state === 'failed'
    )
    expect(failed).toMatchObject({ state: 'failed', error: 'receiver answered 404' })
    await sleep(200)
    expect(runs).toBe(1)
  })

  it('runs a schedule now and then every interval, once however often it is upserted, until closed', async () => {
    const q = make()
    const runs: { at: number; label: string }[] = []
    q.work(
      {
        ...idle,
        tick: async (job) => {
          runs.push({ at: Date.now(), label: job.data.label })
        }
      },
      { concurrency: 2 }
    )
    const every = 400
    const started = Date.now()
    await q.schedule('ticker', { every }, { name: 'tick', data: { label: 'a' } })
    await q.schedule('ticker', { every }, { name: 'tick', data: { label: 'a' } })
    // Poll rather than sleep a fixed time: a loaded machine may run the ticks late, never more often.
    while (runs.length < 3 && Date.now() - started < 15_000) await sleep(50)
    const elapsed = Date.now() - started
    expect(runs.length).toBeGreaterThanOrEqual(3)
    // One schedule runs at most once per interval (plus the run at once); a duplicate would double that.
    expect(runs.length).toBeLessThanOrEqual(Math.floor(elapsed / every) + 2)
    // A duplicate schedule fires at the same moments as the first: no two runs come together.
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.at - runs[i - 1]!.at).toBeGreaterThan(50)
    expect(new Set(runs.map((r) => r.label))).toEqual(new Set(['a']))
    await q.close()
    const before = runs.length
    await sleep(every * 2)
    expect(runs.length).toBe(before)
  })
}

describe('in-process queue', () => behavesLikeAQueue((defaults) => createMemoryQueue<TestJobs>({ defaults })))

describe.runIf(mode === 'real')('BullMQ queue on Redis', () => {
  behavesLikeAQueue((defaults) => createBullQueue<TestJobs>({ url: process.env.REDIS_URL!, prefix: `vxtest-${randomBytes(4).toString('hex')}`, log, defaults }))
})
