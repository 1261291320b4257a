import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { createTestDatabase, mode, testEnv, type TestDatabase } from '../helpers/app.js'
import { synthesize } from '../fixtures/speech.js'
import { waitFor } from '../queue/wait.js'

const SECRET = 'test-webhook-secret-123'
const TOKEN = 'receiver-token-do-not-log'

interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}
interface Hit {
  at: number
  body: string
  signature: string
}
interface WebhookView {
  status: string
  attempts: number
  last_error: string | null
  delivered_at: string | null
}

describe('webhook delivery', () => {
  let app: FastifyInstance
  let db: TestDatabase | null = null
  let base: string
  let audio: Buffer
  let receiver: Server
  let receiverUrl: string
  const logs: LogLine[] = []
  const hits = new Map<string, Hit[]>()
  /** Status the receiver answers for the n-th POST (0-based) to a path. */
  const answers: Record<string, (n: number) => number> = {
    '/flaky': (n) => (n < 2 ? 503 : 200),
    '/down': () => 500,
    '/gone': () => 404
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', () => {
        const path = new URL(req.url!, 'http://x').pathname
        const list = hits.get(path) ?? []
        list.push({ at: Date.now(), body, signature: String(req.headers['x-voxlens-signature']) })
        hits.set(path, list)
        res.statusCode = answers[path]?.(list.length - 1) ?? 500
        res.end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`

    db = mode === 'real' ? await createTestDatabase() : null
    const config = loadConfig(
      testEnv({
        DATABASE_URL: db?.url,
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_ATTEMPTS: '4',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        STT_POOL_SIZE: '1',
        RATE_LIMIT_PER_MINUTE: '1000'
      })
    )
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as LogLine)
        done()
      }
    })
    app = await buildApp({ config, logger: { level: 'info', stream }, db: { inMemory: !db } })
    base = await app.listen({ port: 0, host: '127.0.0.1' })
    audio = readFileSync(await synthesize('thanks for calling, your order has shipped', { voice: 'slt' }))
  })
  afterAll(async () => {
    await app?.close()
    await db?.drop()
    receiver.close()
  })

  /** Uploads a call that notifies `path`, and waits until its delivery has an outcome. */
  async function callNotifying(path: string): Promise<{ id: string; webhook: WebhookView }> {
    const form = new FormData()
    form.append('file', new Blob([audio]), 'call.wav')
    for (const [k, v] of Object.entries({ diarize: 'false', emotion: 'false', analyze: 'false', webhook_url: `${receiverUrl}${path}?token=${TOKEN}` }))
      form.append(k, v)
    const res = await fetch(`${base}/api/calls`, { method: 'POST', body: form })
    expect(res.status).toBe(201)
    const { id } = ((await res.json()) as { data: { id: string } }).data
    const record = await waitFor(
      async () => ((await (await fetch(`${base}/api/calls/${id}`)).json()) as { data: { webhook: WebhookView } }).data,
      (r) => r.webhook.status !== 'pending',
      30_000
    )
    return { id, webhook: record.webhook }
  }

  const linesFor = (id: string) => logs.filter((l) => l.callId === id)

  it('retries a receiver that answers 503 twice, with growing waits, and records the delivery', async () => {
    const { id, webhook } = await callNotifying('/flaky')
    expect(webhook).toEqual({ status: 'delivered', attempts: 3, last_error: null, delivered_at: expect.any(String) })

    const posts = hits.get('/flaky')!
    expect(posts).toHaveLength(3)
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(90)
    expect(posts[2]!.at - posts[1]!.at).toBeGreaterThanOrEqual(190)
    const last = posts[2]!
    const [t, v1] = last.signature.split(',')
    expect(v1).toBe(
      `v1=${createHmac('sha256', SECRET)
        .update(`${t!.slice(2)}.${last.body}`)
        .digest('hex')}`
    )
    expect(JSON.parse(last.body)).toMatchObject({ event: 'call.completed', data: { id, status: 'completed' } })

    const lines = linesFor(id)
    expect(lines.map((l) => [l.level, l.msg, l.attempt])).toEqual([
      [40, 'job failed, will retry', 1],
      [40, 'job failed, will retry', 2]
    ])
    expect(lines[0]).toMatchObject({
      job: 'deliver-webhook',
      host: new URL(receiverUrl).host,
      status: 503,
      error: 'webhook delivery failed: receiver answered 503'
    })
  })

  it('marks the delivery failed after every attempt failed, with the last error, and logs an error', async () => {
    const { id, webhook } = await callNotifying('/down')
    expect(webhook).toEqual({ status: 'failed', attempts: 4, last_error: 'receiver answered 500', delivered_at: null })
    expect(hits.get('/down')).toHaveLength(4)
    const lines = linesFor(id)
    expect(lines.map((l) => l.level)).toEqual([40, 40, 40, 50])
    expect(lines.at(-1)).toMatchObject({ msg: 'job failed', job: 'deliver-webhook', attempt: 4, attempts: 4, host: new URL(receiverUrl).host, status: 500 })
  })

  it('takes a 404 as final: failed after one attempt', async () => {
    const { id, webhook } = await callNotifying('/gone')
    expect(webhook).toEqual({ status: 'failed', attempts: 1, last_error: 'receiver answered 404', delivered_at: null })
    await new Promise((r) => setTimeout(r, 400))
    expect(hits.get('/gone')).toHaveLength(1)
    expect(linesFor(id).map((l) => [l.level, l.msg])).toEqual([[50, 'job failed']])
  })

  it('shows no webhook on a call without webhook_url, and never logs the receiver URL', async () => {
    const form = new FormData()
    form.append('file', new Blob([audio]), 'call.wav')
    form.append('analyze', 'false')
    const plain = (await (await fetch(`${base}/api/calls`, { method: 'POST', body: form })).json()) as { data: { webhook: unknown } }
    expect(plain.data.webhook).toBeNull()
    expect(JSON.stringify(logs)).not.toContain(TOKEN)
  })
})
