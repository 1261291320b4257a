import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { buildConversation, SALES_CALL, type ReferenceTurn } from '../fixtures/conversation.js'

const SECRET = 'test-webhook-secret-123'

async function upload(base: string, file: Buffer | null, fields: Record<string, string> = {}, headers: Record<string, string> = {}, query = '') {
  const form = new FormData()
  if (file) form.append('file', new Blob([file]), 'call.wav')
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  const res = await fetch(`${base}/api/calls${query}`, { method: 'POST', body: form, headers })
  return { status: res.status, body: (await res.json()) as any }
}

/** The speaker label most of a reference turn's words carry. */
function labelOf(words: { start: number; end: number; speaker: string }[], turn: ReferenceTurn): string | undefined {
  const counts = new Map<string, number>()
  for (const w of words) if (w.start >= turn.start - 0.1 && w.end <= turn.end + 0.1) counts.set(w.speaker, (counts.get(w.speaker) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
}

describe('POST /api/calls and the records API', () => {
  let t: TestApp
  let base: string
  let call: { path: string; reference: ReferenceTurn[] }
  let audio: Buffer
  const hooks: { headers: Record<string, string | string[] | undefined>; body: string }[] = []
  let hookServer: Server
  let hookUrl: string

  beforeAll(async () => {
    t = await buildTestApp({
      env: {
        STT_POOL_SIZE: '1',
        WEBHOOK_SECRET: SECRET,
        RATE_LIMIT_PER_MINUTE: '1000',
        MAX_UPLOAD_MB: '5',
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_PRIVATE: 'true'
      }
    })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    call = await buildConversation(SALES_CALL)
    audio = readFileSync(call.path)
    hookServer = createServer((req, res) => {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', () => {
        hooks.push({ headers: req.headers, body })
        // The first delivery fails, so the retry path is exercised.
        res.statusCode = hooks.length === 1 ? 503 : 200
        res.end()
      })
    })
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r))
    hookUrl = `http://127.0.0.1:${(hookServer.address() as { port: number }).port}/hook`
  })
  afterAll(async () => {
    hookServer.close()
    await t.close()
  })

  it('processes a two-speaker sales call: turns, word times, emotions and analysis', async () => {
    const { status, body } = await upload(base, audio)
    expect(status, JSON.stringify(body)).toBe(201)
    const d = body.data
    expect(body.success).toBe(true)
    expect(d).toMatchObject({ status: 'completed', progress: 100, filename: 'call.wav', error: null, engine: 'sphinx', language: 'en' })
    expect(d.transcript).toMatch(/premium plan/)

    // Speakers: the agent's and the customer's turns carry different labels, consistently.
    expect(d.speakers.map((s: { label: string }) => s.label).sort()).toEqual(['A', 'B'])
    const labels = call.reference.map((turn) => labelOf(d.words, turn))
    expect(labels[0]).toBeDefined()
    expect(labels[0]).toBe(labels[2])
    expect(labels[1]).toBe(labels[3])
    expect(labels[0]).not.toBe(labels[1])
    for (const w of d.words) {
      expect(w.end).toBeGreaterThanOrEqual(w.start)
      expect(w.end).toBeLessThanOrEqual(d.duration + 0.05)
    }
    expect(d.utterances.length).toBeGreaterThanOrEqual(4)

    // Emotion: every utterance is labelled; the closing line is positive.
    for (const u of d.utterances) expect(['happy', 'satisfied', 'neutral', 'confused', 'frustrated', 'angry', 'sad']).toContain(u.emotion)
    expect(d.utterances.at(-1).sentiment).toBe('POSITIVE')

    // Analysis from the built-in analyzer.
    expect(d.tags.some((tag: string) => tag === 'client wants to buy' || tag === 'sale')).toBe(true)
    expect(d.intent).toBe('purchase')
    expect(d.summary.length).toBeGreaterThan(20)
    expect(Object.values(d.roles)).toEqual(expect.arrayContaining(['agent', 'customer']))
    expect(d.roles[labels[0]!]).toBe('agent')
    expect(d.insights.length).toBeGreaterThanOrEqual(1)
    expect(d.prompt_version).toMatch(/builtin/)
    expect(Object.keys(d.timings)).toEqual(expect.arrayContaining(['decode', 'stt', 'diarize', 'emotion', 'analyze']))
  })

  it('processes asynchronously with progress, then delivers a signed webhook with retries', async () => {
    const { status, body } = await upload(base, audio, { async: 'true', webhook_url: hookUrl, analyze: 'false' })
    expect(status).toBe(202)
    expect(body).toEqual({ success: true, data: { id: expect.any(String), status: 'queued' } })
    const id = body.data.id
    let record: any
    const seen = new Set<string>()
    for (let i = 0; i < 300; i++) {
      record = ((await (await fetch(`${base}/api/calls/${id}`)).json()) as any).data
      seen.add(record.status)
      if (record.status === 'completed' || record.status === 'failed') break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(record.status).toBe('completed')
    expect(record.summary).toBeNull()
    for (let i = 0; i < 100 && hooks.length < 2; i++) await new Promise((r) => setTimeout(r, 100))
    expect(hooks.length).toBe(2)
    const last = hooks[1]
    const [tPart, vPart] = String(last.headers['x-voxlens-signature']).split(',')
    const expected = createHmac('sha256', SECRET)
      .update(`${tPart.slice(2)}.${last.body}`)
      .digest('hex')
    expect(vPart).toBe(`v1=${expected}`)
    expect(JSON.parse(last.body)).toMatchObject({ event: 'call.completed', data: { id, status: 'completed' } })
  })

  it('keeps the state and reason of a record that failed mid-way', async () => {
    const truncated = audio.subarray(0, Math.floor(audio.length / 2))
    const { status, body } = await upload(base, truncated)
    expect(status).toBe(400)
    expect(body).toMatchObject({ success: false, code: 'corrupt_audio', details: { id: expect.any(String) } })
    const stored = ((await (await fetch(`${base}/api/calls/${body.details.id}`)).json()) as any).data
    expect(stored).toMatchObject({ status: 'failed', error: expect.stringMatching(/truncated|corrupt|incomplete/i) })
  })

  it.each([
    ['a missing file', null, 400, 'missing_file'],
    ['an empty file', Buffer.alloc(0), 400, 'empty_file'],
    ['a file that is not audio', Buffer.from('%PDF-1.7 this is a document'), 400, 'not_audio'],
    ['a file over MAX_UPLOAD_MB', Buffer.alloc(6 * 1024 * 1024, 7), 413, 'file_too_large']
  ])('rejects %s with {success: false, error}', async (_name, file, status, code) => {
    const res = await upload(base, file as Buffer | null)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ success: false, error: expect.any(String), code })
  })

  it('serves, tags, exports, counts and deletes records, scoped to their owner', async () => {
    const alice = await signUp(t.app)
    const auth = { authorization: `Bearer ${alice.token}` }
    const created = await upload(base, audio, { diarize: 'false', emotion: 'false' }, auth, '?analyze=true')
    expect(created.status).toBe(201)
    const id = created.body.data.id

    expect((await t.app.inject({ url: `/api/calls/${id}`, headers: alice.headers })).statusCode).toBe(200)
    expect((await t.app.inject({ url: `/api/calls/${id}` })).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/api/calls/not-a-uuid', headers: alice.headers })).statusCode).toBe(400)
    expect((await t.app.inject({ url: `/api/calls/${crypto.randomUUID()}`, headers: alice.headers })).json()).toMatchObject({
      success: false,
      code: 'call_not_found'
    })

    const tagged = await t.app.inject({ method: 'PUT', url: `/api/calls/${id}/tags`, headers: alice.headers, payload: { tags: ['vip', 'follow up'] } })
    expect(tagged.json().data).toMatchObject({ tags: ['vip', 'follow up'], user_tags: ['vip', 'follow up'] })
    const filtered = await t.app.inject({ url: '/api/calls?tag=vip', headers: alice.headers })
    expect(filtered.json().data.map((c: { id: string }) => c.id)).toEqual([id])

    const exported = await t.app.inject({ url: `/api/calls/${id}/export`, headers: alice.headers })
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="call-${id}.json"`)
    expect(exported.json()).toMatchObject({ id, tags: ['vip', 'follow up'] })

    const analytics = (await t.app.inject({ url: '/api/calls/analytics', headers: alice.headers })).json()
    expect(analytics).toEqual({
      success: true,
      data: {
        total_calls: 1,
        total_tags: 2,
        average_tags_per_call: 2,
        calls_with_transcript: 1,
        calls_without_transcript: 0,
        tag_distribution: { vip: 1, 'follow up': 1 }
      }
    })

    expect(await t.app.storage.exists(`audio/${id}`)).toBe(true)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/calls/${id}`, headers: alice.headers })).json()).toEqual({ success: true })
    expect(await t.app.storage.exists(`audio/${id}`)).toBe(false)
    expect((await t.app.inject({ url: `/api/calls/${id}`, headers: alice.headers })).statusCode).toBe(404)

    await new Promise((r) => setTimeout(r, 50))
    const actions = (await t.app.db.prisma.auditLog.findMany({ where: { target: id } })).map((a) => a.action).sort()
    expect(actions).toEqual(['call.create', 'call.delete', 'call.tags'])
  })

  it('keeps the random bytes of a junk upload out of storage', async () => {
    const res = await upload(base, randomBytes(10_000))
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('not_audio')
  })
})
