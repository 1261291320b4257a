import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, mode, type TestApp } from '../helpers/app.js'
import { PRESSURE_SAMPLE_MS } from '../../src/plugins/external/under-pressure.js'
import { TRANSCRIPT_PREVIEW_CHARS } from '../../src/schemas/calls.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Keeps the event loop busy in slices of sliceMs, yielding one turn between them, for totalMs. */
async function hogEventLoop(totalMs: number, sliceMs: number) {
  const end = performance.now() + totalMs
  while (performance.now() < end) {
    const sliceEnd = performance.now() + sliceMs
    while (performance.now() < sliceEnd) {
      /* busy */
    }
    await new Promise((r) => setImmediate(r))
  }
}

/** A finished record of a few minutes' talk, as the pipeline stores it. */
function finishedCall(i: number) {
  const words = Array.from({ length: 600 }, (_, w) => ({
    word: `word${w}`,
    start: w * 0.4,
    end: w * 0.4 + 0.3,
    confidence: 0.9,
    speaker: w % 40 < 20 ? 'A' : 'B'
  }))
  const utterances = Array.from({ length: 30 }, (_, u) => ({
    speaker: u % 2 ? 'B' : 'A',
    start: u * 8,
    end: u * 8 + 7.5,
    text: words
      .slice(u * 20, u * 20 + 20)
      .map((w) => w.word)
      .join(' '),
    emotion: 'neutral',
    sentiment: 'NEUTRAL',
    sentiment_score: 0
  }))
  return {
    filename: `call-${i}.wav`,
    status: 'completed' as const,
    progress: 100,
    transcript: words.map((w) => w.word).join(' '),
    words,
    utterances,
    speakers: [
      { label: 'A', role: 'agent', talk_time: 120, emotion: 'neutral', sentiment: 'NEUTRAL' },
      { label: 'B', role: 'customer', talk_time: 118, emotion: 'neutral', sentiment: 'NEUTRAL' }
    ],
    summary: 'A customer asks about an order.',
    tags: ['support'],
    durationSeconds: 240,
    language: 'en',
    engine: 'sphinx'
  }
}

describe('GET /api/calls list shape and limits', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
    await t.app.db.prisma.callRecord.createMany({ data: Array.from({ length: 3 }, (_, i) => finishedCall(i)) })
  })
  afterAll(async () => t?.close())

  it('lists summaries by default: a transcript preview and speaker count, no words, utterances or full transcript', async () => {
    const res = await t.app.inject({ url: '/api/calls' })
    expect(res.statusCode).toBe(200)
    const { data, total } = res.json()
    expect(total).toBe(3)
    const item = data[0]
    for (const heavy of ['words', 'utterances', 'transcript', 'speakers', 'timings', 'insights', 'entities']) expect(item).not.toHaveProperty(heavy)
    expect(item).toMatchObject({
      status: 'completed',
      summary: 'A customer asks about an order.',
      tags: ['support'],
      speaker_count: 2,
      duration: 240,
      engine: 'sphinx'
    })
    expect(item.transcript_preview.startsWith('word0 word1 ')).toBe(true)
    expect(item.transcript_preview.endsWith('…')).toBe(true)
    expect(item.transcript_preview.length).toBeLessThanOrEqual(TRANSCRIPT_PREVIEW_CHARS + 1)
    // A page of summaries is a small fraction of a page of full records.
    const full = await t.app.inject({ url: '/api/calls?view=full' })
    expect(res.body.length * 10).toBeLessThan(full.body.length)
    // Every field a summary shares with the whole record says the same.
    const shared = [
      'id',
      'filename',
      'status',
      'progress',
      'error',
      'summary',
      'tags',
      'ai_tags',
      'user_tags',
      'emotions',
      'intent',
      'mood',
      'sentiment',
      'upload_timestamp',
      'duration',
      'language',
      'engine'
    ]
    const pick = (r: Record<string, unknown>) => Object.fromEntries(shared.map((k) => [k, r[k]]))
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id)
    expect(data.map(pick).sort(byId)).toEqual(full.json().data.map(pick).sort(byId))
    expect(data[0].upload_timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    // Past the last page the count of all matches still comes back.
    expect((await t.app.inject({ url: '/api/calls?skip=5' })).json()).toEqual({ success: true, data: [], total: 3 })
  })

  it('lists whole records with view=full, as GET /api/calls/{id} answers them', async () => {
    const res = await t.app.inject({ url: '/api/calls?view=full&limit=1' })
    expect(res.statusCode).toBe(200)
    const [item] = res.json().data
    expect(item.words).toHaveLength(600)
    expect(item.utterances).toHaveLength(30)
    expect(item.transcript.split(' ')).toHaveLength(600)
    const one = await t.app.inject({ url: `/api/calls/${item.id}` })
    expect(one.json().data).toEqual(item)
  })

  it('answers out-of-range paging and dates with a 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['skip=1e20', 'skip'],
      ['skip=9223372036854775807', 'skip'],
      ['skip=1000001', 'skip'],
      ['limit=1e20', 'limit'],
      ['start_date=0000-01-01T00:00:00Z', 'start_date'],
      ['end_date=0099-12-31', 'end_date'],
      ['start_date=10000-01-01', 'start_date'],
      ['view=everything', 'view']
    ]
    for (const [q, param] of cases) {
      const res = await t.app.inject({ url: `/api/calls?${q}` })
      expect(res.statusCode, q).toBe(400)
      expect(res.json(), q).toMatchObject({ success: false, error: expect.stringContaining(param) })
    }
    expect((await t.app.inject({ url: '/api/calls?start_date=1900-01-01&end_date=9999-12-31T23:59:59Z&skip=1000000' })).statusCode).toBe(200)
  })
})

describe('GET /api/calls under a burst of concurrent requests', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ env: { DATABASE_POOL_SIZE: '2', DATABASE_POOL_TIMEOUT_MS: '2000' } })
    await t.app.db.prisma.callRecord.createMany({ data: Array.from({ length: 40 }, (_, i) => finishedCall(i)) })
  })
  afterAll(async () => t?.close())

  it('answers 100 requests at once with 200s, or 503 with Retry-After when the pool runs dry, never another 5xx', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => t.app.inject({ url: '/api/calls?limit=20' })))
    const codes = answers.map((a) => a.statusCode)
    expect(codes.filter((c) => c !== 200 && c !== 503)).toEqual([])
    expect(codes.filter((c) => c === 200).length).toBeGreaterThan(50)
    for (const busy of answers.filter((a) => a.statusCode === 503)) {
      expect(busy.headers['retry-after']).toMatch(/^\d+$/)
      expect(busy.json()).toMatchObject({ success: false, code: 'database_busy' })
    }
  })

  it.runIf(mode === 'real')('answers 503 database_busy with Retry-After while every pooled connection is taken', async () => {
    const hold = () => t.app.db.prisma.$queryRaw`SELECT 1 AS held FROM pg_sleep(3)`
    const held = Promise.all([hold(), hold()])
    await sleep(200)
    const started = performance.now()
    const res = await t.app.inject({ url: '/api/calls' })
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toMatch(/^\d+$/)
    expect(res.json()).toMatchObject({ success: false, code: 'database_busy', error: expect.stringMatching(/database/) })
    // It gave up after DATABASE_POOL_TIMEOUT_MS rather than waiting for a connection.
    expect(performance.now() - started).toBeLessThan(2_900)
    await held
    expect((await t.app.inject({ url: '/api/calls' })).statusCode).toBe(200)
  })
})

describe('load shedding', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '100', OVERLOAD_RETRY_AFTER_SECONDS: '3' } })
    // Start-up is forgiven for two sampling windows.
    await sleep(3 * PRESSURE_SAMPLE_MS)
  })
  afterAll(async () => t?.close())

  it("answers 503 in each family's shape with Retry-After while the event loop lags, keeps probes answering, and recovers", async () => {
    expect((await t.app.inject({ url: '/api/calls' })).statusCode).toBe(200)
    await hogEventLoop(4 * PRESSURE_SAMPLE_MS, 300)

    const shed = await t.app.inject({ url: '/api/calls' })
    expect(shed.statusCode).toBe(503)
    expect(shed.headers['retry-after']).toBe('3')
    expect(shed.json()).toEqual({ success: false, code: 'overloaded', error: 'The server is overloaded: retry in 3 seconds.' })
    const openAi = await t.app.inject({ url: '/v1/models' })
    expect(openAi.statusCode).toBe(503)
    expect(openAi.json()).toMatchObject({ error: { code: 'overloaded', message: expect.stringContaining('overloaded') } })
    expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200)
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(200)

    await sleep(3 * PRESSURE_SAMPLE_MS)
    expect((await t.app.inject({ url: '/api/calls' })).statusCode).toBe(200)
  })
})
