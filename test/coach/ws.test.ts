import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { SignJWT } from 'jose'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { synthesize, type Voice } from '../fixtures/speech.js'
import { COACH_WS_SERVER_SCHEMAS } from '../../src/schemas/coach-ws.js'

const JWT_SECRET = 'a-supabase-style-jwt-secret-of-at-least-32-chars'
const signJwt = (sub: string, expiresIn: string | number = '1h') =>
  new SignJWT({ role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(JWT_SECRET))

type Event = { type: string; seq: number; [k: string]: unknown }

const ajv = new Ajv({ strict: false, allErrors: true })
addFormats.default(ajv)
const validators = new Map(COACH_WS_SERVER_SCHEMAS.map((s) => [(s as { properties: { type: { const: string } } }).properties.type.const, ajv.compile(s)]))

/** Every server message must match its documented schema; a test fails on the first that does not. */
function checked(raw: string): Event {
  const event = JSON.parse(raw) as Event
  const validate = validators.get(event.type)
  if (!validate) throw new Error(`undocumented server message type ${event.type}: ${raw}`)
  if (!validate(event)) throw new Error(`${event.type} does not match its schema: ${ajv.errorsText(validate.errors)} in ${raw}`)
  return event
}

/** A test client: collects every (validated) server event and waits for the ones a step expects. */
class CoachClient {
  readonly events: Event[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private readonly waiters = new Set<() => void>()
  private failure: Error | undefined

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.failure = new Error('the server sent a binary frame')
      else {
        try {
          this.events.push(checked(data.toString()))
        } catch (err) {
          this.failure = err as Error
        }
      }
      for (const w of this.waiters) w()
    })
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }

  static async open(url: string, protocols?: string[]): Promise<CoachClient> {
    const ws = new WebSocket(url, protocols)
    const client = new CoachClient(ws)
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    return client
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message))
  }

  /** The first event after index `from` that `match` accepts. */
  async next(match: (e: Event) => boolean, from = 0, timeoutMs = 60_000): Promise<Event> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (this.failure) throw this.failure
      const found = this.events.slice(from).find(match)
      if (found) return found
      if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(this.events.slice(from).map((e) => e.type))}`)
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake)
          resolve()
        }
        this.waiters.add(wake)
        setTimeout(wake, 200)
      })
    }
  }

  get lastSeq(): number {
    return Math.max(0, ...this.events.map((e) => e.seq))
  }
}

/** The PCM16 samples of a 16-bit WAV, without its header. */
function pcmOf(path: string): Buffer {
  const wav = readFileSync(path)
  const data = wav.indexOf('data', 12)
  return wav.subarray(data + 8, data + 8 + wav.readUInt32LE(data + 4))
}

/** Plays an answer as a microphone would: 20 ms binary frames at real-time pace. */
async function speak(client: CoachClient, pcm: Buffer): Promise<void> {
  const frame = 640
  const t0 = performance.now()
  for (let i = 0, n = 0; i < pcm.length; i += frame, n++) {
    client.ws.send(pcm.subarray(i, i + frame))
    const due = t0 + (n + 1) * 20 - performance.now()
    if (due > 0) await new Promise((r) => setTimeout(r, due))
  }
}

/** What a learner says to each question of the full test, in order (four Part 1 questions, then the cue card). */
const ANSWERS: Array<[string, Voice]> = [
  ['I live in a small flat near the centre of the city with my family.', 'rms'],
  ['My sister is a teacher and she go to work by bus every day.', 'slt'],
  ['I like it because the people are friendly and the park is very close.', 'awb'],
  ['I think my city is more bigger than my village and it has many shops.', 'rms'],
  [
    'I would like to describe a journey to Samarkand which I made last summer with my family. We travelled by train and the journey took about three hours. I remember it because my father showed me the place where he grew up.',
    'slt'
  ]
]

describe('live coach sessions over /ws/{session_id}', () => {
  let t: TestApp
  let base: string
  let user: Awaited<ReturnType<typeof signUp>>
  let answers: Buffer[]
  const timings: Record<string, number> = {}

  const createSession = async (headers = user.headers, payload: object = { part: 'full', topic: 'travel' }) =>
    (await t.app.inject({ method: 'POST', url: '/api/v1/sessions', headers, payload })).json().data as { id: string; ws_url: string }

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000', STREAM_CONNECTS_PER_MINUTE: '1000', JWT_SECRET } })
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
    user = await signUp(t.app)
    answers = await Promise.all(ANSWERS.map(async ([text, voice]) => pcmOf(await synthesize(text, { voice, rate: 0.85, padStart: 0.2, padEnd: 0.4 }))))
  }, 120_000)
  afterAll(async () => {
    console.log('live coach timings (ms)', timings)
    await t?.close()
  })

  it('runs a whole session: questions with speech, answers recognised and stored, a dropped connection resumed, summary and analysis', async () => {
    const session = await createSession()
    const c1 = await CoachClient.open(`${base}${session.ws_url}?token=${user.token}`)
    c1.send({ type: 'audio.config', seq: 1, sample_rate: 16000, encoding: 'pcm16' })
    c1.send({ type: 'session.start', seq: 2 })
    expect(await c1.next((e) => e.type === 'session.started')).toMatchObject({ session_id: session.id })
    let reply = await c1.next((e) => e.type === 'ai.reply')
    expect(reply).toMatchObject({ part: 1, question_id: expect.stringMatching(/^p1-/) })
    const speech = await c1.next((e) => e.type === 'tts.audio')
    expect(speech).toMatchObject({ question_id: reply.question_id, format: 'mp3' })
    const audio = await t.app.inject({ url: new URL(speech.url as string, 'http://x').pathname, headers: user.headers })
    expect(audio.statusCode).toBe(200)
    expect(audio.rawPayload.length).toBeGreaterThan(1000)

    const asked: Event[] = [reply]
    // Two answers on the first connection.
    for (const pcm of answers.slice(0, 2)) {
      const from = c1.events.length
      await speak(c1, pcm)
      c1.send({ type: 'audio.commit' })
      const final = await c1.next((e) => e.type === 'stt.final', from)
      expect(final.question_id).toBe(reply.question_id)
      expect((final.words as unknown[]).length).toBeGreaterThan(5)
      reply = await c1.next((e) => e.type === 'ai.reply', from)
      asked.push(reply)
      await c1.next((e) => e.type === 'tts.audio' && e.question_id === reply.question_id, from)
    }
    expect(c1.events.some((e) => e.type === 'stt.partial')).toBe(true)
    expect(c1.events.find((e) => e.type === 'stt.final')?.text).toMatch(/flat|city|family/)

    // The third answer is committed, then the connection drops before its transcript arrives.
    await speak(c1, answers[2])
    c1.send({ type: 'audio.commit' })
    const seen = c1.lastSeq
    const seenSeqs = c1.events.map((e) => e.seq)
    c1.ws.terminate()
    await c1.closed

    // Back with the token as a subprotocol, as a browser would send it; what was missed is replayed in order.
    const c2 = await CoachClient.open(`${base}${session.ws_url}`, ['voxlens-coach', `bearer.${user.token}`])
    expect(c2.ws.protocol).toBe('voxlens-coach')
    await new Promise((r) => setTimeout(r, 3000))
    c2.send({ type: 'session.resume', last_seq: seen })
    const finalAfterDrop = await c2.next((e) => e.type === 'stt.final')
    expect(finalAfterDrop.question_id).toBe(asked[2].question_id)
    expect(finalAfterDrop.text).toMatch(/friendly|park|people/)
    reply = await c2.next((e) => e.type === 'ai.reply')
    await c2.next((e) => e.type === 'tts.audio' && e.question_id === reply.question_id)
    const replayed = c2.events.map((e) => e.seq)
    expect(replayed[0]).toBeGreaterThan(seen)
    expect(replayed).toEqual([...replayed].sort((a, b) => a - b))
    expect(replayed.filter((s) => seenSeqs.includes(s))).toEqual([])
    asked.push(reply)

    for (const pcm of answers.slice(3)) {
      const from = c2.events.length
      await speak(c2, pcm)
      c2.send({ type: 'audio.commit' })
      await c2.next((e) => e.type === 'stt.final', from)
      reply = await c2.next((e) => e.type === 'ai.reply', from)
      asked.push(reply)
    }
    // Four Part 1 questions, then the cue card with its preparation time, then Part 3.
    expect(asked.map((q) => q.part)).toEqual([1, 1, 1, 1, 2, 3])
    expect(asked[4]).toMatchObject({ question_id: 'p2-travel', prepare_seconds: 60, max_talk_seconds: 120 })
    expect(asked[4].text).toMatch(/You should say/)

    const endedAt = performance.now()
    const from = c2.events.length
    c2.send({ type: 'session.end' })
    const summary = await c2.next((e) => e.type === 'session.summary_ready', from, 15_000)
    timings.summary_after_end_ms = Math.round(performance.now() - endedAt)
    expect((summary.summary as { words_spoken: number }).words_spoken).toBeGreaterThan(40)
    const ready = await c2.next((e) => e.type === 'session.analysis_ready', from, 120_000)
    timings.analysis_after_end_ms = Math.round(performance.now() - endedAt)
    expect(await c2.closed).toEqual({ code: 1000, reason: 'Session analysed.' })

    // A client that missed the end resumes and still gets the summary and the analysis id.
    const c3 = await CoachClient.open(`${base}${session.ws_url}?token=${user.token}`)
    c3.send({ type: 'session.resume', last_seq: summary.seq - 1 })
    expect(await c3.closed).toEqual({ code: 1000, reason: 'Session analysed.' })
    expect(c3.events.map((e) => [e.type, e.seq])).toEqual([
      ['session.summary_ready', summary.seq],
      ['session.analysis_ready', ready.seq]
    ])

    const stored = (await t.app.inject({ url: `/api/v1/sessions/${session.id}`, headers: user.headers })).json().data
    const learner = stored.turns.filter((x: { role: string }) => x.role === 'learner')
    expect(learner).toHaveLength(5)
    expect(learner[1].text).toMatch(/teacher|bus/)
    expect(learner[0].words[0]).toEqual({ word: expect.any(String), start: expect.any(Number), end: expect.any(Number), confidence: expect.any(Number) })

    const analysis = (await t.app.inject({ url: `/api/v1/analysis/sessions/${session.id}`, headers: user.headers })).json().data
    expect(analysis.analysis.id ?? ready.analysis_id).toBe(ready.analysis_id)
    expect(analysis.analysis.criteria).toHaveLength(4)
    for (const c of analysis.analysis.criteria) expect(c.evidence.length).toBeGreaterThan(0)
    const mean = analysis.analysis.criteria.reduce((s: number, c: { band: number }) => s + c.band, 0) / 4
    expect(analysis.analysis.overall).toBe(Math.round(mean * 2) / 2)
    // Each answer's audio was kept with it, the one committed before the drop too, and its pronunciation assessed.
    const pronunciation = analysis.analysis.pronunciation
    expect(pronunciation.answers.map((a: { seq: number; status: string }) => [a.seq, a.status])).toEqual(
      learner.map((x: { seq: number }) => [x.seq, 'assessed'])
    )
    for (const a of pronunciation.answers) expect(a.words[0].phonemes.length).toBeGreaterThan(0)
  }, 300_000)

  it('answers bad input with error events and keeps the session open', async () => {
    const session = await createSession(user.headers, { part: 1 })
    const c = await CoachClient.open(`${base}${session.ws_url}?token=${user.token}`)
    c.ws.send('{"type": "session.start"')
    expect(await c.next((e) => e.type === 'error')).toMatchObject({ code: 'invalid_json' })
    c.send({ type: 'session.jump' })
    expect(await c.next((e) => e.type === 'error' && e.code !== 'invalid_json')).toMatchObject({
      code: 'unknown_type',
      message: expect.stringContaining('session.start')
    })
    c.send({ type: 'audio.config', sample_rate: 44100, encoding: 'pcm16' })
    expect(await c.next((e) => e.code === 'invalid_message')).toMatchObject({ message: expect.stringContaining('sample_rate') })
    c.ws.send(Buffer.alloc(640))
    expect(await c.next((e) => e.code === 'not_started')).toBeTruthy()
    c.send({ type: 'audio.commit' })
    c.send({ type: 'ping', seq: 9 })
    await c.next((e) => e.type === 'pong')
    c.send({ type: 'session.start', inline_audio: true })
    const question = await c.next((e) => e.type === 'ai.reply')
    const inline = await c.next((e) => e.type === 'tts.audio')
    expect(inline.question_id).toBe(question.question_id)
    const mp3 = Buffer.from(inline.audio as string, 'base64')
    // An MP3 file starts with an ID3 tag or an MPEG frame sync.
    expect(mp3.subarray(0, 3).toString() === 'ID3' || (mp3[0] === 0xff && (mp3[1] & 0xe0) === 0xe0)).toBe(true)
    c.send({ type: 'session.start' })
    expect(await c.next((e) => e.code === 'already_started')).toBeTruthy()
    c.send({ type: 'audio.append', audio: Buffer.alloc(641).toString('base64') })
    expect(await c.next((e) => e.code === 'odd_length')).toBeTruthy()
    c.send({ type: 'audio.commit' })
    expect(await c.next((e) => e.code === 'empty_commit')).toBeTruthy()
    c.send({ type: 'session.resume', last_seq: 999 })
    expect(await c.next((e) => e.code === 'bad_last_seq')).toBeTruthy()
    expect(c.ws.readyState).toBe(WebSocket.OPEN)
    c.ws.close()
  }, 60_000)

  it('refuses bad tokens, unknown sessions and other users’ sessions with close codes', async () => {
    const session = await createSession(user.headers, { part: 1 })
    const other = await signUp(t.app)
    const cases: Array<[string, string[] | undefined, number, string]> = [
      [`${base}/ws/${session.id}`, undefined, 4401, 'unauthorized'],
      [`${base}/ws/${session.id}?token=vxl_not-a-token`, undefined, 4401, 'token_invalid'],
      [`${base}/ws/${randomUUID()}?token=${user.token}`, undefined, 4404, 'session_not_found'],
      [`${base}/ws/not-an-id?token=${user.token}`, undefined, 4404, 'session_not_found'],
      [`${base}/ws/${session.id}`, ['voxlens-coach', `bearer.${other.token}`], 4404, 'session_not_found']
    ]
    const expired = await signJwt('expired-learner', Math.floor(Date.now() / 1000) - 60)
    cases.push([`${base}/ws/${session.id}?token=${expired}`, undefined, 4401, 'token_expired'])
    for (const [url, protocols, code, errorCode] of cases) {
      const c = await CoachClient.open(url, protocols)
      const closed = await c.closed
      expect(closed, url).toEqual({ code, reason: errorCode })
      expect(c.events).toEqual([{ type: 'error', seq: 0, code: errorCode, message: expect.any(String) }])
    }

    // A JWT signed with JWT_SECRET opens its own user's session, in the subprotocol as a browser sends it.
    const token = await signJwt('supabase-learner')
    const own = await createSession({ authorization: `Bearer ${token}` }, { part: 2 })
    const c = await CoachClient.open(`${base}${own.ws_url}`, ['voxlens-coach', `bearer.${token}`])
    c.send({ type: 'session.start' })
    expect(await c.next((e) => e.type === 'ai.reply')).toMatchObject({ part: 2, prepare_seconds: 60 })
    c.ws.close()
  }, 60_000)
})
