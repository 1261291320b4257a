import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { INTERRUPTED_UPLOAD } from '../src/jobs/recover-calls.js'
import { killHard, processStorage, startApi, uploadCall, type ApiProcess } from './helpers/api-process.js'
import { concatWavs, synthesize } from './fixtures/speech.js'
import { waitFor } from './queue/wait.js'

type Summary = { id: string; status: string; error: string | null; filename: string }

const list = async (base: string) => ((await (await fetch(`${base}/api/calls?limit=100`)).json()) as { data: Summary[] }).data
const settled = (rows: Summary[]) => rows.every((r) => r.status === 'completed' || (r.status === 'failed' && !!r.error))

/**
 * kill -9 of the API with jobs running and queued, and a synchronous upload in flight: after a
 * restart every record ends completed, or failed with a reason, instead of staying queued or
 * processing forever. Embedded (PGlite on disk, in-process queue) or Postgres + Redis (BullMQ).
 */
describe('records left by a killed process', () => {
  it('are re-queued or failed after a restart', async () => {
    const storage = await processStorage('recovery')
    const env = { ...storage.env, QUEUE_CONCURRENCY: '1', STT_POOL_SIZE: '1', JOB_LEASE_MS: '2000' }
    const sentence = await synthesize('please send the invoice to my office today and call me back tomorrow morning', { voice: 'slt' })
    const audio = readFileSync(await concatWavs([sentence, sentence, sentence], 'recovery-call'))
    const fields = { diarize: 'false', emotion: 'false', analyze: 'false' }
    let api: ApiProcess | null = await startApi(env)
    try {
      const ids: string[] = []
      for (let i = 0; i < 3; i++) {
        const res = await uploadCall(api.base, audio, { ...fields, async: 'true' })
        expect(res.status).toBe(202)
        ids.push(res.body.data.id)
      }
      // A synchronous upload waits behind them; its client is cut off by the kill.
      const sync = uploadCall(api.base, audio, fields).catch(() => null)
      const first = api.base
      await waitFor(
        async () => (await list(first)).map((r) => r.status),
        (s) => s.length === 4 && s.includes('processing'),
        30_000
      )
      const before = await list(api.base)
      expect(before).toHaveLength(4)
      expect(before.some((r) => r.status === 'queued' || r.status === 'processing')).toBe(true)
      await killHard(api)
      expect(await sync).toBeNull()

      api = await startApi(env)
      const second = api.base
      const after = await waitFor(() => list(second), settled, 90_000)
      expect(settled(after), JSON.stringify(after.map(({ id, status, error }) => ({ id, status, error })))).toBe(true)
      const syncRecord = after.find((r) => !ids.includes(r.id))!
      expect(syncRecord).toMatchObject({ status: 'failed', error: INTERRUPTED_UPLOAD })
      // The queued and interrupted jobs ran again in the new process.
      for (const id of ids) expect(after.find((r) => r.id === id)?.status).toBe('completed')
    } finally {
      if (api) {
        api.child.kill('SIGTERM')
        await api.exited
      }
      await storage.remove()
    }
  }, 240_000)
})
