import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { toneWav } from '../helpers/wav.js'
import { waitFor } from '../queue/wait.js'

async function upload(base: string, webhookUrl: string) {
  const form = new FormData()
  form.append('file', new Blob([toneWav(1)]), 'call.wav')
  for (const [k, v] of Object.entries({ diarize: 'false', emotion: 'false', analyze: 'false', webhook_url: webhookUrl })) form.append(k, v)
  const res = await fetch(`${base}/api/calls`, { method: 'POST', body: form })
  return { status: res.status, body: (await res.json()) as { success: boolean; error: string; code: string; data: { id: string } } }
}

describe('webhook receivers on private networks', () => {
  let strict: TestApp
  let httpOnly: TestApp
  let base: string
  let receiver: Server
  let port: number
  const hits: string[] = []

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      hits.push(req.url!)
      if (req.url === '/moved') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end()
      } else res.end('ok')
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    port = (receiver.address() as { port: number }).port
    strict = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await strict.app.listen({ port: 0, host: '127.0.0.1' })
    httpOnly = await buildTestApp({ env: { STT_POOL_SIZE: '1', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_MS: '50' } })
  })
  afterAll(async () => {
    await strict?.close()
    await httpOnly?.close()
    receiver.close()
  })

  it('refuses plain http at upload, naming WEBHOOK_ALLOW_HTTP', async () => {
    const { status, body } = await upload(base, `http://example.com/hook`)
    expect(status).toBe(400)
    expect(body).toMatchObject({ success: false, code: 'webhook_url_refused' })
    expect(body.error).toMatch(/https/)
    expect(body.error).toContain('WEBHOOK_ALLOW_HTTP=true')
  })

  it.each([
    ['https://127.0.0.1:1/hook', 'loopback'],
    ['https://localhost/hook', 'loopback'],
    ['https://[::1]/hook', 'loopback'],
    ['https://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['https://10.20.30.40/hook', 'private'],
    ['https://192.168.0.10/hook', 'private'],
    ['https://100.64.1.1/hook', 'private'],
    ['https://[fd00::1]/hook', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://[fe80::1]/hook', 'link-local'],
    ['https://0.0.0.0/hook', 'unspecified']
  ])('refuses %s at upload (%s), naming WEBHOOK_ALLOW_PRIVATE', async (url, kind) => {
    const { status, body } = await upload(base, url)
    expect(status).toBe(400)
    expect(body).toMatchObject({ success: false, code: 'webhook_url_refused' })
    expect(body.error).toContain(kind)
    expect(body.error).toContain('WEBHOOK_ALLOW_PRIVATE=true')
  })

  it.each([
    ['an address', '127.0.0.1'],
    ['a host name', 'localhost']
  ])('checks the receiver again at delivery: %s that now means loopback fails the delivery without a request', async (_what, host) => {
    // A record accepted earlier whose host now points inside the network (DNS changed since upload).
    const { prisma } = httpOnly.app.db
    const path = `/internal-${host}`
    const record = await prisma.callRecord.create({
      data: { filename: 'a.wav', sizeBytes: 1, status: 'completed', webhookUrl: `http://${host}:${port}${path}` }
    })
    await httpOnly.app.queue.add('deliver-webhook', { id: record.id })
    const done = await waitFor(
      () => prisma.callRecord.findUniqueOrThrow({ where: { id: record.id } }),
      (r) => r.webhookStatus === 'failed',
      10_000
    )
    expect(done.webhookStatus).toBe('failed')
    expect(done.webhookAttempts).toBe(1)
    expect(done.webhookLastError).toMatch(/(127\.0\.0\.1|::1) is a loopback address.*WEBHOOK_ALLOW_PRIVATE=true/)
    expect(hits).not.toContain(path)
  })

  it('does not follow redirects: a 302 fails the delivery at once', async () => {
    const allowAll = await buildTestApp({
      env: { STT_POOL_SIZE: '1', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_MS: '50' }
    })
    try {
      const { prisma } = allowAll.app.db
      const record = await prisma.callRecord.create({
        data: { filename: 'a.wav', sizeBytes: 1, status: 'completed', webhookUrl: `http://127.0.0.1:${port}/moved` }
      })
      await allowAll.app.queue.add('deliver-webhook', { id: record.id })
      const done = await waitFor(
        () => prisma.callRecord.findUniqueOrThrow({ where: { id: record.id } }),
        (r) => r.webhookStatus === 'failed',
        10_000
      )
      expect(done).toMatchObject({ webhookStatus: 'failed', webhookAttempts: 1 })
      expect(done.webhookLastError).toMatch(/302.*redirect/)
      expect(hits).toContain('/moved')
      expect(hits).not.toContain('/target')
    } finally {
      await allowAll.close()
    }
  })
})
