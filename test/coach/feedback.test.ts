import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { startChatCompletionsStub, type ChatCompletionsStub } from '../helpers/stubs/chat-completions.js'

const ANSWER =
  'my name is aziza and you can write to aziza.karimova@example.com or call plus nine nine eight nine zero one two three four five six ' +
  'i work in a bank because i enjoy helping people with their money and although the job is stressful my colleagues are wonderful ' +
  'last year i have went to samarkand with my family and it was the most memorable trip of my life'

/** A chat model's feedback: one band moved further than allowed, and a collocation error the rules miss. */
const FEEDBACK = {
  comments: {
    fluency_coherence: 'You keep going without long pauses.',
    lexical_resource: 'You use "memorable" and "colleagues" well.',
    grammatical_range_accuracy: 'Watch the present perfect with "last year".',
    pronunciation: 'Only measured, not heard.'
  },
  adjustments: [{ criterion: 'lexical_resource', delta: 1.5, reason: 'Precise, less common words throughout.' }],
  complex_errors: [{ text: 'helping people with their money', correction: 'helping people manage their money', explanation: 'A more natural collocation.' }]
}

describe('written feedback from a configured chat model', () => {
  let stub: ChatCompletionsStub
  let t: TestApp
  beforeAll(async () => {
    stub = await startChatCompletionsStub({ prefix: '/v1', apiKey: 'sk-test', answer: () => JSON.stringify(FEEDBACK) })
    t = await buildTestApp({
      env: { LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${stub.url}/v1`, LLM_MODEL: 'examiner', RATE_LIMIT_PER_MINUTE: '2' }
    })
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await stub?.close()
  })

  it('stores comments, moves a band by half a band at most with its reason, and sends no personal data', async () => {
    const user = await signUp(t.app)
    const { id } = (await t.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: user.headers, payload: { part: 1 } })).json().data
    await t.app.coach.sessions.start(user.userId, id)
    const words = ANSWER.split(' ').map((word, i) => ({ word, start: i * 0.4, end: i * 0.4 + 0.32, confidence: 0.9 }))
    await t.app.coach.sessions.answer(user.userId, id, { text: ANSWER, words })
    await t.app.coach.sessions.end(user.userId, id)

    let data
    for (let i = 0; i < 300; i++) {
      data = (await t.app.inject({ url: `/api/v1/analysis/sessions/${id}`, headers: user.headers })).json().data
      if (['completed', 'failed'].includes(data.phases.analysis.status)) break
      await new Promise((r) => setTimeout(r, 200))
    }
    const a = data.analysis
    expect(a.feedback).toMatchObject({ provider: 'openai', model: 'examiner', comments: FEEDBACK.comments })
    const lexical = a.criteria.find((c: { criterion: string }) => c.criterion === 'lexical_resource')
    expect(lexical.adjustment).toEqual({ from: expect.any(Number), delta: 0.5, reason: 'Precise, less common words throughout.' })
    expect(lexical.band).toBe(Math.min(9, lexical.adjustment.from + 0.5))
    const mean = a.criteria.reduce((s: number, c: { band: number }) => s + c.band, 0) / 4
    expect(a.overall).toBe(Math.round(mean * 2) / 2)
    expect(a.errors).toContainEqual(
      expect.objectContaining({ source: 'llm', text: 'helping people with their money', correction: 'helping people manage their money' })
    )
    expect(a.errors).toContainEqual(expect.objectContaining({ type: 'verb_form', text: 'have went', correction: 'have gone' }))
    // The operator sees what the feedback cost and how long each phase took.
    const metrics = (await t.app.inject({ url: '/metrics' })).body
    expect(metrics).toMatch(/^voxlens_llm_tokens_total\{provider="openai",kind="prompt"\} [1-9]\d*$/m)
    expect(metrics).toMatch(/^voxlens_llm_tokens_total\{provider="openai",kind="completion"\} [1-9]\d*$/m)
    for (const phase of ['summary', 'queue_wait', 'deep', 'llm']) {
      expect(metrics).toMatch(new RegExp(`^voxlens_coach_analysis_phase_seconds_count\\{phase="${phase}"\\} 1$`, 'm'))
    }
    // Spoken digits repeat without any hesitation.
    expect(a.errors.map((e: { type: string }) => e.type)).not.toContain('repetition')

    const sent = JSON.stringify(stub.requests.at(-1)!.body.messages)
    expect(sent).toContain('[email]')
    expect(sent).toContain('[number]')
    expect(sent).not.toContain('aziza.karimova@example.com')
    expect(sent).not.toMatch(/nine nine eight/)

    // What leaves the service for other systems is masked the same way.
    const session = (await t.app.inject({ url: `/api/v1/sessions/${id}`, headers: user.headers })).json().data
    expect(session.turns[1].text).toContain('[email]')
    expect(JSON.stringify(session)).not.toContain('aziza.karimova@example.com')
  }, 120_000)

  it('limits session creation per account and per IP', async () => {
    const [user, neighbour] = [await signUp(t.app), await signUp(t.app)]
    const create = (headers: Record<string, string>, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/sessions', headers, remoteAddress, payload: { part: 2 } })
    const codes = []
    for (let i = 0; i < 3; i++) codes.push((await create(user.headers, '10.1.0.1')).statusCode)
    expect(codes).toEqual([201, 201, 429])
    // The address is spent for everyone on it, and the account's allowance follows it to another address.
    expect((await create(neighbour.headers, '10.1.0.1')).statusCode).toBe(429)
    const refused = await create(user.headers, '10.1.0.2')
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['retry-after']).toBeDefined()
    expect(refused.json()).toMatchObject({ success: false, code: 'rate_limited', error: expect.stringMatching(/for one account/) })
    expect((await create(neighbour.headers, '10.1.0.2')).statusCode).toBe(201)
  })

  it('refuses unknown topics and bad bodies with a message that says what is accepted', async () => {
    const user = await signUp(t.app)
    const topic = await t.app.inject({
      method: 'POST',
      url: '/api/v1/training/tasks/00000000-0000-4000-8000-000000000000/complete',
      headers: user.headers,
      payload: { rating: 'perfect' }
    })
    expect(topic.statusCode).toBe(400)
    expect(topic.json()).toMatchObject({ success: false, code: 'validation_error' })
    const missing = await t.app.inject({ url: '/api/v1/sessions/00000000-0000-4000-8000-000000000000', headers: user.headers })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ success: false, code: 'session_not_found' })
    const unknownRoute = await t.app.inject({ url: '/api/v1/nothing-here', headers: user.headers })
    expect(unknownRoute.statusCode).toBe(404)
    expect(unknownRoute.json()).toMatchObject({ success: false })
  })
})
