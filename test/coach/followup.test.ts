import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FOLLOWUP_PROMPT_VERSION } from '../../src/coach/prompts.js'
import { createSessionService } from '../../src/coach/sessions.js'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { startChatCompletionsStub, type ChatCompletionsStub } from '../helpers/stubs/chat-completions.js'

const FOLLOW_UP = 'Why do you like the view so much?'
const ANSWER = 'i live in a small flat near the river and i love the view you can call me on plus nine nine eight nine zero one two three four five'
const words = (text: string) => text.split(' ').map((word, i) => ({ word, start: i * 0.4, end: i * 0.4 + 0.3, confidence: 0.9 }))

const isFollowupRequest = (body: any) => String(body.messages?.[0]?.content).includes('follow-up')

describe('examiner follow-ups from a configured chat model', () => {
  let stub: ChatCompletionsStub
  let t: TestApp
  let user: Awaited<ReturnType<typeof signUp>>
  const create = async (part: 1 | 2 | 3 = 1) =>
    (await t.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: user.headers, payload: { part, topic: 'home' } })).json().data.id as string
  const followupRequests = () => stub.requests.filter((r) => isFollowupRequest(r.body))

  beforeAll(async () => {
    stub = await startChatCompletionsStub({ prefix: '/v1', apiKey: 'sk-test', answer: () => JSON.stringify({ follow_up: FOLLOW_UP }) })
    t = await buildTestApp({ env: { LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${stub.url}/v1`, LLM_MODEL: 'examiner' } })
    user = await signUp(t.app)
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await stub?.close()
  })

  it('asks one follow-up on what the learner said, stores its answer as a turn, then goes back to the script', async () => {
    const id = await create()
    const first = (await t.app.coach.sessions.start(user.userId, id))!
    const before = followupRequests().length
    const { next, followup } = await t.app.coach.sessions.answer(user.userId, id, { text: ANSWER, words: words(ANSWER) })
    expect(next).toMatchObject({ id: `${first.id}.followup`, part: 1, text: FOLLOW_UP })
    expect(followup).toMatchObject({ status: 'asked', prompt: { version: FOLLOWUP_PROMPT_VERSION } })

    // The model saw the question and the answer, with the phone number masked.
    const sent = JSON.stringify(followupRequests().at(-1)!.body.messages)
    expect(sent).toContain(first.text)
    expect(sent).toContain('[number]')
    expect(sent).not.toMatch(/nine nine eight/)

    // A client that reconnects now is asked the same follow-up again.
    expect(await t.app.coach.sessions.start(user.userId, id)).toEqual(next)

    const reply = 'because i can watch the sunset every evening'
    const after = await t.app.coach.sessions.answer(user.userId, id, { text: reply, words: words(reply) })
    expect(followupRequests().length).toBe(before + 1)
    expect(after.followup).toBeUndefined()
    expect(after.next).toMatchObject({ part: 1, id: expect.stringMatching(/^p1-home-\d$/) })
    expect(after.next!.id).not.toBe(first.id)

    const turns = (await t.app.inject({ url: `/api/v1/sessions/${id}`, headers: user.headers })).json().data.turns
    expect(turns.map((x: { role: string; question_id: string }) => [x.role, x.question_id])).toEqual([
      ['examiner', first.id],
      ['learner', first.id],
      ['examiner', `${first.id}.followup`],
      ['learner', `${first.id}.followup`],
      ['examiner', after.next!.id]
    ])
    expect(turns[2].text).toBe(FOLLOW_UP)
    expect(turns[3].text).toBe(reply)
  })

  it('does not interrupt the cue card', async () => {
    const id = await create(2)
    await t.app.coach.sessions.start(user.userId, id)
    const before = followupRequests().length
    const { next, followup } = await t.app.coach.sessions.answer(user.userId, id, { text: ANSWER, words: words(ANSWER) })
    expect(next).toBeNull()
    expect(followup).toBeUndefined()
    expect(followupRequests().length).toBe(before)
  })

  it('asks the scripted question when the model fails, answers something that is not a question, or declines', async () => {
    for (const [reply, status, reason] of [
      [{ kind: 'error', status: 500 }, 'fallback', /HTTP 500/],
      [{ kind: 'ok', text: JSON.stringify({ follow_up: 'Nice flat.' }) }, 'fallback', /not a question/],
      [{ kind: 'ok', text: JSON.stringify({ follow_up: null }) }, 'declined', undefined]
    ] as const) {
      const id = await create()
      const first = (await t.app.coach.sessions.start(user.userId, id))!
      stub.script(reply)
      const { next, followup } = await t.app.coach.sessions.answer(user.userId, id, { text: ANSWER, words: words(ANSWER) })
      expect(next).toMatchObject({ part: 1, id: expect.stringMatching(/^p1-home-\d$/) })
      expect(next!.id).not.toBe(first.id)
      expect(followup?.status).toBe(status)
      if (reason) expect(followup).toMatchObject({ reason: expect.stringMatching(reason) })
    }
  })

  it('gives up on a model that does not answer in time, and logs why', async () => {
    const logged: Array<{ detail: any; msg: string }> = []
    const log = { info: () => {}, warn: (detail: any, msg: string) => logged.push({ detail, msg }) }
    const sessions = createSessionService({ prisma: t.app.db.prisma, queueAnalysis: async () => {}, chat: t.app.chat, followupTimeoutMs: 300, log: log as any })
    const id = await create()
    const first = (await sessions.start(user.userId, id))!
    stub.script({ kind: 'hang' })
    const { next, followup } = await sessions.answer(user.userId, id, { text: ANSWER, words: words(ANSWER) })
    expect(next).toMatchObject({ part: 1, id: expect.stringMatching(/^p1-home-\d$/) })
    expect(followup).toMatchObject({ status: 'fallback', reason: 'no answer within 300 ms' })
    expect(logged).toEqual([
      { detail: expect.objectContaining({ sessionId: id, questionId: first.id, followup }), msg: expect.stringMatching(/follow-up failed/) }
    ])
  })

  it('changes nothing without a chat model', async () => {
    const sessions = createSessionService({ prisma: t.app.db.prisma, queueAnalysis: async () => {} })
    const id = await create()
    const first = (await sessions.start(user.userId, id))!
    const before = stub.requests.length
    const { next, followup } = await sessions.answer(user.userId, id, { text: ANSWER, words: words(ANSWER) })
    expect(next).toMatchObject({ part: 1, id: expect.stringMatching(/^p1-home-\d$/) })
    expect(next!.id).not.toBe(first.id)
    expect(followup).toBeUndefined()
    expect(stub.requests.length).toBe(before)
  })
})
