import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { synthesize } from '../fixtures/speech.js'
import { buildConversation, SALES_CALL } from '../fixtures/conversation.js'

async function post(base: string, path: string, field: string | null, file?: Buffer, ip?: string) {
  const form = new FormData()
  if (field && file) form.append(field, new Blob([file]), 'speech.wav')
  form.append('note', 'x')
  const res = await fetch(`${base}${path}`, { method: 'POST', body: form, headers: ip ? { 'x-forwarded-for': ip } : {} })
  return { status: res.status, headers: res.headers, body: (await res.json()) as any }
}

/** Every file under `dir` except the embedded database's own, relative to `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith('pglite'))
    .sort()
}

describe('POST /upload (politeness refine contract)', () => {
  let t: TestApp
  let base: string
  let rude: Buffer
  const dataDir = mkdtempSync(join(tmpdir(), 'vx-refine-'))
  beforeAll(async () => {
    // Default limits: 10 per minute per IP. TRUST_PROXY lets each test use its own client IP.
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', TRUST_PROXY: 'true', DATA_DIR: dataDir } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    rude = readFileSync(await synthesize('send me the damn report now', { voice: 'rms' }))
  })
  afterAll(async () => t.close())

  it('answers {input, output}: the transcript and its polite rewrite', async () => {
    const res = await post(base, '/upload', 'audio', rude, '10.0.0.1')
    expect(res.status).toBe(200)
    expect(Object.keys(res.body).sort()).toEqual(['input', 'output'])
    expect(res.body.input).toMatch(/send me the damn report/)
    // Imperative softened, profanity dropped, casing and punctuation fixed.
    expect(res.body.output).toMatch(/^Could you please send me the reports? .*\?/)
    expect(res.body.output).not.toMatch(/damn/i)
  })

  it('truncates the input to its first 100 words', async () => {
    const long = Array.from({ length: 14 }, () => 'please call me back tomorrow morning about the new contract').join(' ')
    const res = await post(base, '/upload', 'audio', readFileSync(await synthesize(long, { voice: 'slt', rate: 1.3 })), '10.0.0.2')
    expect(res.status).toBe(200)
    expect(res.body.input.split(' ').length).toBe(100)
  })

  it('answers a missing audio field with 400 {error}', async () => {
    const res = await post(base, '/upload', null, undefined, '10.0.0.3')
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: expect.stringMatching(/"audio"/) })
  })

  it('leaves nothing on disk and no record behind', async () => {
    const records = await t.app.db.prisma.callRecord.count()
    const files = filesUnder(dataDir)
    const res = await post(base, '/upload', 'audio', rude, '10.0.0.4')
    expect(res.status).toBe(200)
    expect(filesUnder(dataDir)).toEqual(files)
    expect(await t.app.db.prisma.callRecord.count()).toBe(records)
  })

  it('refuses the 11th request within a minute with 429', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await post(base, '/upload', null, undefined, '10.0.0.9')).status)
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true)
    expect(statuses[10]).toBe(429)
  })
})

describe('POST /audio/analyze (voice-analytics contract)', () => {
  let t: TestApp
  let base: string
  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '100' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => t.close())

  it('answers {transcription, emotions, speakers, utterances, sentiment}', async () => {
    const conv = await buildConversation(SALES_CALL)
    const res = await post(base, '/audio/analyze', 'file', readFileSync(conv.path))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      transcription: expect.stringMatching(/premium plan/),
      emotions: expect.any(Array),
      speakers: expect.any(Array),
      utterances: expect.any(Array),
      sentiment: { label: expect.stringMatching(/^(POSITIVE|NEUTRAL|NEGATIVE)$/), score: expect.any(Number) }
    })
    expect(res.body.speakers.length).toBe(2)
    expect(res.body.emotions.length).toBe(res.body.utterances.length)
  })

  it('gives the same speakers, emotions and sentiment as POST /api/calls for the same recording', async () => {
    const conv = await buildConversation(SALES_CALL)
    const bytes = readFileSync(conv.path)
    const [analytics, call] = [await post(base, '/audio/analyze', 'file', bytes), await post(base, '/api/calls', 'file', bytes)]
    expect(analytics.status).toBe(200)
    expect(call.status).toBe(201)
    const record = call.body.data
    const round = (n: number) => Math.round(n * 100) / 100
    expect(analytics.body.transcription).toBe(record.transcript)
    expect(analytics.body.emotions).toEqual(
      record.utterances.map((u: any) => ({
        speaker: u.speaker,
        start: round(u.start),
        end: round(u.end),
        emotion: u.emotion,
        sentiment: u.sentiment,
        score: round(u.sentiment_score)
      }))
    )
    expect(analytics.body.speakers).toEqual(record.speakers.map(({ role: _role, ...s }: any) => s))
    expect(analytics.body.sentiment).toEqual({ label: record.sentiment.label, score: round(record.sentiment.score), emotion: record.sentiment.emotion })
  })

  it('answers invalid audio with 400 {error: "ValidationError", message, details}', async () => {
    const res = await post(base, '/audio/analyze', 'file', Buffer.from('definitely not audio, just text'))
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: 'ValidationError', message: expect.any(String), details: expect.objectContaining({ code: 'not_audio' }) })
    const missing = await post(base, '/audio/analyze', null)
    expect(missing.body).toMatchObject({ error: 'ValidationError', details: { code: 'missing_file' } })
  })
})
