import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { buildTestApp, mode, signUp, type TestApp } from '../helpers/app.js'
import { buildConversation, SALES_CALL } from '../fixtures/conversation.js'

type Page = { data: { id: string; filename: string; status: string; progress: number; tags: string[] }[]; total: number }

// GET /api/calls keeps rendered pages; these check that no write is ever hidden by that.
describe('GET /api/calls is cached, never stale', () => {
  const prefix = `vxtest-${randomBytes(4).toString('hex')}`
  let t: TestApp
  let other: TestApp | undefined
  let alice: Awaited<ReturnType<typeof signUp>>
  let bob: Awaited<ReturnType<typeof signUp>>

  beforeAll(async () => {
    t = await buildTestApp({ env: { REDIS_PREFIX: prefix, STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000' } })
    alice = await signUp(t.app, 'alice')
    bob = await signUp(t.app, 'bob')
    await t.app.db.prisma.callRecord.createMany({
      data: [
        { ownerId: alice.userId, filename: 'a1.wav', status: 'completed', tags: ['sale'] },
        { ownerId: bob.userId, filename: 'b1.wav', status: 'completed', tags: ['sale'] },
        { ownerId: null, filename: 'anon1.wav', status: 'completed' }
      ]
    })
  })
  afterAll(async () => {
    await other?.app.close()
    await t.close()
  })

  const list = async (app = t.app, headers: Record<string, string> = {}, query = '') => {
    const res = await app.inject({ url: `/api/calls${query}`, headers })
    expect(res.statusCode).toBe(200)
    return res.json() as Page
  }
  const names = (p: Page) => p.data.map((c) => c.filename).sort()

  it('serves each owner their own page, whoever asked for the same query first', async () => {
    for (let round = 0; round < 2; round++) {
      expect(names(await list(t.app, alice.headers))).toEqual(['a1.wav'])
      expect(names(await list(t.app, bob.headers))).toEqual(['b1.wav'])
      expect(names(await list(t.app))).toEqual(['anon1.wav'])
      expect(names(await list(t.app, alice.headers, '?limit=100&skip=0'))).toEqual(['a1.wav'])
    }
  })

  it('shows a write in the next list: create, status and progress, tags, delete', async () => {
    const prisma = t.app.db.prisma
    expect((await list(t.app, alice.headers)).total).toBe(1)
    const made = await prisma.callRecord.create({ data: { ownerId: alice.userId, filename: 'a2.wav', status: 'queued' } })
    expect(names(await list(t.app, alice.headers))).toEqual(['a1.wav', 'a2.wav'])
    // As the pipeline records its progress.
    await prisma.callRecord.update({ where: { id: made.id }, data: { status: 'processing', progress: 40 } })
    expect((await list(t.app, alice.headers)).data.find((c) => c.id === made.id)).toMatchObject({ status: 'processing', progress: 40 })
    await prisma.callRecord.updateMany({ where: { id: made.id }, data: { status: 'completed', progress: 100 } })
    expect((await list(t.app, alice.headers)).data.find((c) => c.id === made.id)).toMatchObject({ status: 'completed', progress: 100 })
    const tagged = await t.app.inject({ method: 'PUT', url: `/api/calls/${made.id}/tags`, headers: alice.headers, payload: { tags: ['vip'] } })
    expect(tagged.statusCode).toBe(200)
    expect((await list(t.app, alice.headers, '?tag=vip')).data.map((c) => c.id)).toEqual([made.id])
    expect((await t.app.inject({ method: 'DELETE', url: `/api/calls/${made.id}`, headers: alice.headers })).statusCode).toBe(200)
    expect(names(await list(t.app, alice.headers))).toEqual(['a1.wav'])
    // Another owner's write leaves this owner's page as it was, and anonymous records stay apart.
    await prisma.callRecord.create({ data: { ownerId: null, filename: 'anon2.wav', status: 'queued' } })
    expect(names(await list(t.app))).toEqual(['anon1.wav', 'anon2.wav'])
    expect(names(await list(t.app, alice.headers))).toEqual(['a1.wav'])
  })

  it('answers 304 to a client holding the current page, and 200 once the records changed', async () => {
    const first = await t.app.inject({ url: '/api/calls', headers: bob.headers })
    const etag = first.headers.etag as string
    expect(etag).toMatch(/^".+"$/)
    expect(first.headers['cache-control']).toBe('private, no-cache')
    const again = await t.app.inject({ url: '/api/calls', headers: { ...bob.headers, 'if-none-match': etag } })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    // Alice's tag for the same query is not Bob's.
    const alices = await t.app.inject({ url: '/api/calls', headers: { ...alice.headers, 'if-none-match': etag } })
    expect(alices.statusCode).toBe(200)
    await t.app.db.prisma.callRecord.create({ data: { ownerId: bob.userId, filename: 'b2.wav', status: 'queued' } })
    const changed = await t.app.inject({ url: '/api/calls', headers: { ...bob.headers, 'if-none-match': etag } })
    expect(changed.statusCode).toBe(200)
    expect(changed.headers.etag).not.toBe(etag)
    expect(names(changed.json() as Page)).toEqual(['b1.wav', 'b2.wav'])
  })

  it.runIf(mode === 'real')('shows a write made by another process sharing Redis (a worker, another API machine)', async () => {
    other = await buildTestApp({ databaseUrl: t.app.config.DATABASE_URL, env: { REDIS_PREFIX: prefix } })
    const before = await list(t.app, alice.headers)
    const record = await other.app.db.prisma.callRecord.create({ data: { ownerId: alice.userId, filename: 'from-worker.wav', status: 'queued' } })
    expect(names(await list(t.app, alice.headers))).toEqual([...names(before), 'from-worker.wav'].sort())
    await other.app.db.prisma.callRecord.update({ where: { id: record.id }, data: { status: 'failed', error: 'engine gone' } })
    expect((await list(t.app, alice.headers)).data.find((c) => c.id === record.id)?.status).toBe('failed')
    await other.app.db.prisma.callRecord.deleteMany({ where: { id: record.id } })
    expect(names(await list(t.app, alice.headers))).toEqual(names(before))
  })

  it('shows the queued job moving to completed: the worker path tells the list', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const audio = readFileSync((await buildConversation(SALES_CALL)).path)
    const anon = async () => ((await (await fetch(`${base}/api/calls`)).json()) as Page).data
    await anon()
    const form = new FormData()
    form.append('file', new Blob([audio]), 'call.wav')
    form.append('async', 'true')
    form.append('analyze', 'false')
    const res = await fetch(`${base}/api/calls`, { method: 'POST', body: form })
    expect(res.status).toBe(202)
    const { id } = ((await res.json()) as { data: { id: string } }).data
    let status: string | undefined
    // Polling the list, not the record: a page kept past the worker's writes would stay "queued".
    for (let i = 0; i < 600 && status !== 'completed' && status !== 'failed'; i++) {
      status = (await anon()).find((c) => c.id === id)?.status
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 100))
    }
    expect(status).toBe('completed')
  }, 120_000)
})
