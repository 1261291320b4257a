import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { processStorage, startApi, uploadCall, type ApiProcess } from './helpers/api-process.js'
import { longCall } from './fixtures/long-call.js'
import { waitFor } from './queue/wait.js'

const SHUTDOWN_TIMEOUT_MS = 3000

type Summary = { id: string; status: string; error: string | null }
const list = async (base: string) => ((await (await fetch(`${base}/api/calls?limit=100`)).json()) as { data: Summary[] }).data

async function transcribeOpenAi(base: string, audio: Buffer) {
  const form = new FormData()
  form.append('file', new Blob([audio]), 'call.wav')
  form.append('model', 'whisper-1')
  const res = await fetch(`${base}/v1/audio/transcriptions`, { method: 'POST', body: form })
  return { status: res.status, body: (await res.json()) as { error?: { message: string; code?: string } } }
}

/**
 * SIGTERM while long recordings are being recognised for clients that wait for the answer: before
 * the shutdown deadline each client gets its family's 503 (not a closed socket), the record is failed
 * with the reason, and the process exits 0 instead of aborting in the native recogniser.
 */
describe('SIGTERM during a long synchronous upload', () => {
  it('answers 503, fails the record with the reason and exits 0 within the deadline', async () => {
    const storage = await processStorage('shutdown')
    const env = {
      ...storage.env,
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      // One decoder thread: both requests are still recognising when the signal comes.
      STT_POOL_SIZE: '1'
    }
    const audio = readFileSync(await longCall())
    let api: ApiProcess | null = await startApi(env)
    try {
      const first = api.base
      const call = uploadCall(first, audio, { diarize: 'false', emotion: 'false', analyze: 'false' }).catch((err: Error) => err)
      const openAi = transcribeOpenAi(first, audio).catch((err: Error) => err)
      await waitFor(
        async () => (await list(first)).map((r) => r.status),
        (s) => s.includes('processing'),
        30_000
      )
      // Recognition of the call is under way (it needs several seconds of decoding).
      await new Promise((r) => setTimeout(r, 1000))
      const t0 = Date.now()
      api.child.kill('SIGTERM')

      const answer = await call
      expect(answer).not.toBeInstanceOf(Error)
      const res = answer as Awaited<ReturnType<typeof uploadCall>>
      expect(res.status).toBe(503)
      expect(res.body).toMatchObject({ success: false, code: 'shutting_down', details: { id: expect.any(String) } })
      const id = (res.body as typeof res.body & { details: { id: string } }).details.id
      expect(res.body.error).toMatch(/shutting down; retry/)
      expect(res.body.error).toContain(`Call record ${id} was marked failed`)

      const v1 = await openAi
      expect(v1).not.toBeInstanceOf(Error)
      expect(v1).toMatchObject({ status: 503, body: { error: { code: 'shutting_down', message: expect.stringMatching(/shutting down; retry/) } } })

      const code = await api.exited
      const took = Date.now() - t0
      expect(api.stderr()).not.toMatch(/terminate called/)
      expect(code, api.output().slice(-3000)).toBe(0)
      expect(took).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 2000)

      api = await startApi(env)
      const record = (await list(api.base)).find((r) => r.id === id)
      expect(record).toMatchObject({ status: 'failed', error: expect.stringMatching(/shutting down; retry/) })
    } finally {
      if (api && api.child.exitCode === null) {
        api.child.kill('SIGTERM')
        await api.exited
      }
      await storage.remove()
    }
  }, 180_000)
})
