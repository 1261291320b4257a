import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { COULD_NOT_QUEUE } from '../src/jobs/recover-calls.js'
import { processStorage, startApi, uploadCall } from './helpers/api-process.js'
import { freePort, REDIS_SERVER, startRedis } from './helpers/redis-server.js'
import { synthesize } from './fixtures/speech.js'
import { waitFor } from './queue/wait.js'

/**
 * An async upload while Redis is down answers 503 within a few seconds (no hang, no record processed
 * later behind the client's back); the record is failed with "could not queue", and a retry with the
 * same Idempotency-Key once Redis is back queues that same record. The API's stderr holds no raw
 * ioredis stack traces.
 */
describe.runIf(existsSync(REDIS_SERVER) || process.env.CI)('async upload during a Redis outage', () => {
  it('is a quick 503, and a retry with the same key queues the same record', async () => {
    const port = await freePort()
    let redis = await startRedis(port)
    const storage = await processStorage('outage')
    const api = await startApi({ ...storage.env, REDIS_URL: `redis://127.0.0.1:${port}`, STT_POOL_SIZE: '1' })
    try {
      const audio = readFileSync(await synthesize('please send the invoice today', { voice: 'slt' }))
      const fields = { async: 'true', diarize: 'false', emotion: 'false', analyze: 'false' }
      const headers = { 'idempotency-key': 'outage-1' }

      redis.kill('SIGKILL')
      await new Promise((r) => redis.once('exit', r))
      const started = Date.now()
      const res = await uploadCall(api.base, audio, fields, headers)
      const took = Date.now() - started
      expect(res.status, JSON.stringify(res.body)).toBe(503)
      expect(res.body).toMatchObject({ success: false, code: 'queue_unavailable' })
      expect(res.body.error).toMatch(/Redis/)
      expect(took).toBeLessThan(8_000)

      const records = ((await (await fetch(`${api.base}/api/calls`)).json()) as { data: { id: string; status: string; error: string }[] }).data
      expect(records).toHaveLength(1)
      expect(records[0]).toMatchObject({ status: 'failed', error: COULD_NOT_QUEUE })

      redis = await startRedis(port)
      const retried = await waitFor(
        () => uploadCall(api.base, audio, fields, headers),
        (r) => r.status === 202,
        20_000
      )
      expect(retried.status).toBe(202)
      expect(retried.body.data.id).toBe(records[0]!.id)
      const done = await waitFor(
        async () => ((await (await fetch(`${api.base}/api/calls/${records[0]!.id}`)).json()) as { data: { status: string } }).data,
        (r) => r.status === 'completed' || r.status === 'failed',
        60_000
      )
      expect(done.status).toBe('completed')

      // Every stderr line is a JSON log line: no "Error: connect ECONNREFUSED" printed by a client without a listener.
      const stray = api
        .stderr()
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('{'))
      expect(stray, api.stderr()).toEqual([])
      expect(api.output()).not.toMatch(/^Error: connect ECONNREFUSED/m)
    } finally {
      api.child.kill('SIGTERM')
      await api.exited
      redis.kill('SIGKILL')
      await storage.remove()
    }
  }, 180_000)
})
