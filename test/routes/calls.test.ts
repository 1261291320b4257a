import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'

describe('GET /api/calls', () => {
  let t: TestApp
  let alice: Awaited<ReturnType<typeof signUp>>
  let bob: Awaited<ReturnType<typeof signUp>>

  beforeAll(async () => {
    t = await buildTestApp()
    alice = await signUp(t.app, 'alice')
    bob = await signUp(t.app, 'bob')
    const prisma = t.app.db.prisma
    const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12))
    await prisma.callRecord.createMany({
      data: [
        { ownerId: alice.userId, filename: 'a1.wav', status: 'completed', transcript: 'hello', tags: ['sale'], createdAt: day(1) },
        { ownerId: alice.userId, filename: 'a2.wav', status: 'completed', tags: ['complaint'], createdAt: day(2) },
        // The user's override wins: AI said "sale", the user says "support".
        { ownerId: alice.userId, filename: 'a3.wav', status: 'completed', tags: ['sale'], userTags: ['support'], userTagsSet: true, createdAt: day(3) },
        { ownerId: bob.userId, filename: 'b1.wav', status: 'completed', tags: ['sale'], createdAt: day(2) },
        { ownerId: null, filename: 'anon.wav', status: 'queued', createdAt: day(4) }
      ]
    })
  })
  afterAll(async () => t.close())

  const list = async (headers: Record<string, string>, query = '') => {
    const res = await t.app.inject({ url: `/api/calls${query}`, headers })
    expect(res.statusCode).toBe(200)
    return res.json() as { success: true; data: { filename: string; tags: string[]; ai_tags: string[]; user_tags: string[] | null }[]; total: number }
  }

  it('shows a user only their own records, newest first', async () => {
    const body = await list(alice.headers)
    expect(body.data.map((c) => c.filename)).toEqual(['a3.wav', 'a2.wav', 'a1.wav'])
    expect(body.total).toBe(3)
    expect((await list(bob.headers)).data.map((c) => c.filename)).toEqual(['b1.wav'])
  })

  it('shows anonymous callers only anonymous records', async () => {
    expect((await list({})).data.map((c) => c.filename)).toEqual(['anon.wav'])
  })

  it('filters by effective tag: the user override wins over the AI tags', async () => {
    expect((await list(alice.headers, '?tag=sale')).data.map((c) => c.filename)).toEqual(['a1.wav'])
    const support = (await list(alice.headers, '?tag=support')).data
    expect(support.map((c) => c.filename)).toEqual(['a3.wav'])
    expect(support[0]).toMatchObject({ tags: ['support'], ai_tags: ['sale'], user_tags: ['support'] })
  })

  it('filters by date range and pages with limit and skip, total counting all matches', async () => {
    const ranged = await list(alice.headers, '?start_date=2026-01-02T00:00:00Z&end_date=2026-01-03T23:59:59Z')
    expect(ranged.data.map((c) => c.filename)).toEqual(['a3.wav', 'a2.wav'])
    const page = await list(alice.headers, '?limit=1&skip=1')
    expect(page.data.map((c) => c.filename)).toEqual(['a2.wav'])
    expect(page.total).toBe(3)
  })

  it('counts all matches on every page: a full page, the last partial one, one past the end, a filtered one', async () => {
    expect((await list(alice.headers, '?limit=3')).total).toBe(3)
    const last = await list(alice.headers, '?limit=2&skip=2')
    expect([last.data.length, last.total]).toEqual([1, 3])
    const beyond = await list(alice.headers, '?skip=5')
    expect([beyond.data.length, beyond.total]).toEqual([0, 3])
    const none = await list(alice.headers, '?tag=no-such-tag')
    expect([none.data.length, none.total]).toEqual([0, 0])
    expect((await list(alice.headers, '?start_date=2026-01-02T00:00:00Z')).total).toBe(2)
  })

  it('takes plain dates as the contract shows them; a date-only end_date includes its whole day (UTC)', async () => {
    // The records were made at noon UTC on 2026-01-01, -02 and -03.
    expect((await list(alice.headers, '?start_date=2026-01-02&end_date=2026-01-03')).data.map((c) => c.filename)).toEqual(['a3.wav', 'a2.wav'])
    expect((await list(alice.headers, '?end_date=2026-01-01')).data.map((c) => c.filename)).toEqual(['a1.wav'])
    expect((await list(alice.headers, '?start_date=2026-01-03')).data.map((c) => c.filename)).toEqual(['a3.wav'])
    // A date-time is an instant: noon is included, a second before it is not.
    expect((await list(alice.headers, '?end_date=2026-01-01T12:00:00Z')).data.map((c) => c.filename)).toEqual(['a1.wav'])
    expect((await list(alice.headers, '?end_date=2026-01-01T11:59:59Z')).data).toEqual([])
    expect((await list(alice.headers, '?start_date=2026-01-03T13:00:00%2B02:00')).data.map((c) => c.filename)).toEqual(['a3.wav'])
    // The contract's own example.
    const year = await t.app.inject({ url: '/api/calls?start_date=2024-01-01&end_date=2024-12-31', headers: alice.headers })
    expect(year.statusCode).toBe(200)
    expect(year.json()).toEqual({ success: true, data: [], total: 0 })
  })

  it('names the date parameter that is wrong', async () => {
    for (const [q, param] of [
      ['?start_date=yesterday', 'start_date'],
      ['?end_date=2024-02-30', 'end_date'],
      ['?end_date=2024-12-31T25:00:00Z', 'end_date']
    ]) {
      const res = await t.app.inject({ url: `/api/calls${q}`, headers: alice.headers })
      expect(res.statusCode, q).toBe(400)
      expect(res.json(), q).toMatchObject({ success: false, code: 'invalid_date', error: expect.stringContaining(param) })
    }
    const backwards = await t.app.inject({ url: '/api/calls?start_date=2026-01-03&end_date=2026-01-02', headers: alice.headers })
    expect(backwards.json()).toMatchObject({ success: false, code: 'invalid_date_range' })
  })

  it('rejects bad query values with 400 and a message', async () => {
    for (const q of ['?limit=0', '?limit=1001', '?skip=-1', '?start_date=yesterday', '?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z']) {
      const res = await t.app.inject({ url: `/api/calls${q}`, headers: alice.headers })
      expect(res.statusCode, q).toBe(400)
      expect(res.json()).toMatchObject({ success: false, error: expect.any(String) })
    }
  })
})
