import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { makeNoise, synthesize } from '../fixtures/speech.js'

const CHAT_KEYS = ['audio_url', 'conversation_id', 'correction', 'hinglish_explanation', 'reply_text', 'score']

describe('English practice API (offline: built-in partner)', () => {
  let t: TestApp
  let base: string

  const textChat = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}/api/v1/ai/text-chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body)
    })
    return { status: res.status, body: (await res.json()) as any, timing: res.headers.get('server-timing') }
  }
  const voiceChat = async (audio: Buffer | null, fields: Record<string, string>) => {
    const form = new FormData()
    for (const [k, v] of Object.entries(fields)) form.append(k, v)
    if (audio) form.append('audio_file', new Blob([new Uint8Array(audio)]), 'speech.wav')
    const res = await fetch(`${base}/api/v1/ai/voice-chat`, { method: 'POST', body: form })
    return { status: res.status, body: (await res.json()) as any, timing: res.headers.get('server-timing') }
  }
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { headers })
    return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as any) }
  }

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_DAY: '10000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(() => t?.close())

  it('init-models loads the engines and says which', async () => {
    const res = await fetch(`${base}/api/v1/ai/init-models`, { method: 'POST' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as any
    expect(body.stt).toEqual({ status: 'loaded', mode: 'sphinx' })
    expect(body.llm).toEqual({ status: 'builtin' })
    expect(body.tts.flite).toBe('loaded')
  })

  it('text chat: the contract shape, the correction, a Hinglish explanation and playable audio of the reply', async () => {
    const { status, body, timing } = await textChat({ user_id: 'user-123', message: 'I am go to market' })
    expect(status).toBe(200)
    expect(Object.keys(body).sort()).toEqual(CHAT_KEYS)
    expect(body.correction).toBe('I am go to market → I am going to the market')
    expect(body.hinglish_explanation).toBe("Yahan 'going' use karna chahiye kyunki yeh present continuous tense hai.")
    expect(body.score).toBe(70)
    expect(body.conversation_id).toMatch(/^conv-/)
    expect(body.reply_text).toMatch(/\?$/)
    expect(timing).toMatch(/correct;dur=\d+.*reply;dur=\d+.*tts;dur=\d+/)

    // The app plays audio_url directly: it must be an MP3 of the reply, whose words our own recogniser hears.
    expect(body.audio_url).toMatch(new RegExp(`^${base}/audio/[\\w-]+\\.mp3$`))
    const audio = await fetch(body.audio_url)
    expect(audio.status).toBe(200)
    expect(audio.headers.get('content-type')).toBe('audio/mpeg')
    const heard = await t.app.stt.transcribeFile(new Uint8Array(await audio.arrayBuffer()))
    const said = body.reply_text.toLowerCase().match(/[a-z']+/g) as string[]
    const got = new Set(heard.transcript.text.toLowerCase().split(/\s+/))
    expect(said.filter((w) => got.has(w)).length / said.length).toBeGreaterThan(0.5)
  })

  it('a correct sentence gets no correction and full marks; a continued conversation keeps its id and history', async () => {
    const first = await textChat({ user_id: 'user-ravi', message: 'I like to play cricket with my friends.' })
    expect(first.body).toMatchObject({ correction: null, hinglish_explanation: null, score: 100 })
    const second = await textChat({ user_id: 'user-ravi', message: 'Yesterday I eat rice', conversation_id: first.body.conversation_id })
    expect(second.status).toBe(200)
    expect(second.body.conversation_id).toBe(first.body.conversation_id)
    expect(second.body.correction).toBe('Yesterday I eat rice → Yesterday I ate rice')
    expect(second.body.hinglish_explanation).toContain("'ate'")

    const conv = await get(`/api/v1/ai/conversations/${first.body.conversation_id}?user_id=user-ravi`)
    expect(conv.status).toBe(200)
    expect(conv.body.messages.map((m: any) => [m.role, m.text, m.score])).toEqual([
      ['user', 'I like to play cricket with my friends.', 100],
      ['assistant', first.body.reply_text, null],
      ['user', 'Yesterday I eat rice', second.body.score],
      ['assistant', second.body.reply_text, null]
    ])
    expect(conv.body.messages[2].correction).toBe(second.body.correction)
    expect(conv.body.messages[1].audio_url).toMatch(/\.mp3$/)

    const list = await get('/api/v1/ai/conversations?user_id=user-ravi')
    expect(list.body.conversations).toHaveLength(1)
    expect(list.body.conversations[0]).toMatchObject({ conversation_id: first.body.conversation_id, message_count: 4, last_message: second.body.reply_text })

    // Another user cannot read, continue or delete it.
    expect(await get(`/api/v1/ai/conversations/${first.body.conversation_id}?user_id=someone-else`)).toEqual({
      status: 404,
      body: { detail: 'Conversation not found' }
    })
    const other = await textChat({ user_id: 'someone-else', message: 'Hello', conversation_id: first.body.conversation_id })
    expect(other).toMatchObject({ status: 404, body: { detail: 'Conversation not found' } })
    const del = await fetch(`${base}/api/v1/ai/conversations/${first.body.conversation_id}?user_id=user-ravi`, { method: 'DELETE' })
    expect(del.status).toBe(204)
    expect((await get(`/api/v1/ai/conversations/${first.body.conversation_id}?user_id=user-ravi`)).status).toBe(404)
  })

  it('a conversation started with a voxlens token belongs to that account', async () => {
    const owner = await signUp(t.app)
    const started = await textChat({ user_id: 'shared-id', message: 'He play cricket every day' }, owner.headers)
    expect(started.body.correction).toBe('He play cricket every day → He plays cricket every day')
    const id = started.body.conversation_id
    expect((await get(`/api/v1/ai/conversations/${id}?user_id=shared-id`, owner.headers)).status).toBe(200)
    // The same app user id without the token, or with another account's, does not see it.
    expect((await get(`/api/v1/ai/conversations/${id}?user_id=shared-id`)).status).toBe(404)
    const intruder = await signUp(t.app)
    expect((await get(`/api/v1/ai/conversations/${id}?user_id=shared-id`, intruder.headers)).status).toBe(404)
    expect((await get('/api/v1/ai/conversations?user_id=shared-id')).body.conversations).toEqual([])
  })

  it('bad input is a 4xx with a message the app can show, and stores nothing', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ message: 'I am go to market' }, 400, /user_id/],
      [{ user_id: 'user-bad', message: '   ' }, 400, /empty/],
      [{ user_id: 'user-bad' }, 400, /message/],
      [{ user_id: 'user-bad', message: 'a'.repeat(2001) }, 400, /2000 characters/],
      [{ user_id: 'user-bad', message: 'Hello', conversation_id: 'conv-does-not-exist' }, 404, /Conversation not found/],
      // Postgres cannot store a NUL character: refused up front rather than failing at the insert.
      [{ user_id: 'user-bad', message: 'Hello\u0000there' }, 400, /"message"/],
      [{ user_id: 'user\u0000bad', message: 'Hello' }, 400, /"user_id"/]
    ]
    for (const [body, status, detail] of cases) {
      const res = await textChat(body)
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status)
      expect(Object.keys(res.body)).toEqual(['detail'])
      expect(res.body.detail).toMatch(detail)
    }
    const silent = await voiceChat(await readFile(await makeNoise(2)), { user_id: 'user-bad' })
    expect(silent.status).toBe(400)
    expect(silent.body.detail).toMatch(/speech/)
    const notAudio = await voiceChat(Buffer.from('this is not a recording'), { user_id: 'user-bad' })
    expect(notAudio.status).toBeGreaterThanOrEqual(400)
    expect(notAudio.status).toBeLessThan(500)
    expect(typeof notAudio.body.detail).toBe('string')
    expect((await voiceChat(null, { user_id: 'user-bad' })).body.detail).toMatch(/audio_file/)
    expect((await get('/api/v1/ai/conversations?user_id=user-bad')).body.conversations).toEqual([])
    expect((await get('/api/v1/ai/usage?user_id=user-bad&days=1')).body.days[0].messages).toBe(0)
    expect((await get('/api/v1/ai/nothing-here')).body).toEqual({ detail: expect.stringMatching(/No route/) })
    for (const path of ['/api/v1/ai/conversations/conv%00x?user_id=user-bad', '/api/v1/ai/usage?user_id=user%00bad']) {
      const res = await get(path)
      expect(res.status, path).toBe(400)
      expect(res.body.detail).toMatch(/Invalid field/)
    }
  })

  it('voice chat: what we heard, its correction, and the same shape plus transcript', async () => {
    const wav = await readFile(await synthesize('yesterday i eat rice', { voice: 'slt', padStart: 0.3, padEnd: 0.3 }))
    const { status, body, timing } = await voiceChat(wav, { user_id: 'user-voice' })
    expect(status).toBe(200)
    expect(Object.keys(body).sort()).toEqual([...CHAT_KEYS, 'transcript'].sort())
    expect(body.transcript.toLowerCase()).toContain('rice')
    expect(timing).toMatch(/decode;dur=\d+, stt;dur=\d+/)
    // Whatever the recogniser heard, a correction rewrites exactly that.
    if (body.correction) expect(body.correction.startsWith(`${body.transcript} → `)).toBe(true)
    const usage = await get('/api/v1/ai/usage?user_id=user-voice&days=7')
    expect(usage.body.days).toHaveLength(7)
    expect(usage.body.days[6]).toMatchObject({ messages: 1, average_score: body.score })
    expect(usage.body.days[6].voice_seconds).toBeGreaterThan(1)
  })

  it('counts usage in the database without losing concurrent requests', async () => {
    const sentences = [
      'There is many people here',
      'I am agree with you',
      'I have two informations',
      'Hello, how are you?',
      'I am go to market',
      'He play cricket every day'
    ]
    const results = await Promise.all(sentences.map((message) => textChat({ user_id: 'user-busy', message })))
    expect(results.map((r) => r.status)).toEqual(sentences.map(() => 200))
    expect(results[0].body.correction).toBe('There is many people here → There are many people here')
    expect(results[1].body.correction).toBe('I am agree with you → I agree with you')
    expect(results[2].body.correction).toBe('I have two informations → I have two pieces of information')
    const today = (await get('/api/v1/ai/usage?user_id=user-busy&days=1')).body.days[0]
    const mean = Math.round(results.reduce((s, r) => s + r.body.score, 0) / results.length)
    expect(today).toMatchObject({ messages: sentences.length, voice_seconds: 0, average_score: mean })
  })

  it('exposes chat outcomes and stage durations as metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text()
    expect(text).toMatch(/voxlens_practice_chat_requests_total\{route="text",outcome="ok"\} [1-9]/)
    expect(text).toMatch(/voxlens_practice_chat_requests_total\{route="text",outcome="rejected"\} [1-9]/)
    for (const stage of ['stt', 'correct', 'reply', 'tts']) expect(text).toContain(`voxlens_stage_duration_seconds_count{stage="${stage}"`)
  })
})

describe('past INIT_TIMEOUT_SECONDS and TTS_TIMEOUT_SECONDS', () => {
  it('init-models and a chat whose reply cannot be spoken in time answer 504, and the chat stores nothing', async () => {
    const t = await buildTestApp({ env: { INIT_TIMEOUT_SECONDS: '0.001', TTS_TIMEOUT_SECONDS: '0.001' } })
    try {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/ai/init-models' })
      expect(res.statusCode).toBe(504)
      expect(res.json()).toEqual({ detail: expect.stringMatching(/INIT_TIMEOUT_SECONDS/) })
      const chat = await t.app.inject({ method: 'POST', url: '/api/v1/ai/text-chat', payload: { user_id: 'user-mute', message: 'I am go to market' } })
      expect(chat.statusCode).toBe(504)
      expect(chat.json()).toEqual({ detail: 'The tutor is taking too long, please try again' })
      expect(await t.app.db.prisma.conversation.count({ where: { userId: 'user-mute' } })).toBe(0)
      expect(await t.app.db.prisma.usageDay.count({ where: { userId: 'user-mute' } })).toBe(0)
    } finally {
      await t.close()
    }
  })
})
