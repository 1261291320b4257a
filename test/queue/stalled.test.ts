import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { createBullQueue, STALLED_REASON } from '../../src/queue/bullmq.js'
import type { FailedJob } from '../../src/queue/types.js'
import { mode } from '../helpers/app.js'
import { waitFor } from './wait.js'

type Jobs = { slow: { id: string } }

/**
 * A job whose worker stops responding (here: a handler that blocks the event loop past the lock)
 * stalls; BullMQ retries it once, then fails it without calling the handler again. That end must
 * reach onFailed, which is how the call record learns it (jobs/index.ts onJobFailed).
 */
describe.runIf(mode === 'real')('a BullMQ job that stalls twice', () => {
  it('is reported failed with a reason a user can act on', async () => {
    const queue = createBullQueue<Jobs>({
      url: process.env.REDIS_URL!,
      prefix: `vxtest-${randomBytes(4).toString('hex')}`,
      log: pino({ level: 'silent' }),
      leaseMs: 1_000
    })
    const failed: FailedJob<Jobs>[] = []
    let runs = 0
    try {
      queue.work(
        {
          slow: async () => {
            runs++
            const until = Date.now() + 2_500
            while (Date.now() < until) {
              /* the worker stops responding: no lock renewal, no stalled checks */
            }
            return { done: true }
          }
        },
        { concurrency: 1, onFailed: async (job) => void failed.push(job) }
      )
      const id = await queue.add('slow', { id: 'call-1' }, { jobId: 'call-1' })
      // A read timed out by the blocked loop itself is just one poll missed.
      const job = await waitFor(
        () => queue.get(id).catch(() => null),
        (j) => j?.state === 'failed',
        40_000
      )
      expect(job).toMatchObject({ state: 'failed', error: STALLED_REASON })
      await waitFor(
        () => failed.length,
        (n) => n > 0,
        5_000
      )
      expect(failed).toEqual([{ id: 'call-1', name: 'slow', data: { id: 'call-1' }, error: STALLED_REASON }])
      expect(runs).toBe(2)
    } finally {
      await queue.close()
    }
  }, 60_000)
})
