import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Type } from 'typebox'
import {
  ChatError,
  createBuiltinChat,
  createChatClient,
  createGeminiChat,
  createGroqChat,
  createOpenAiChat,
  type ChatMessage,
  type ChatProvider
} from '../../src/chat/index.js'
import { startChatCompletionsStub } from '../helpers/stubs/chat-completions.js'
import { startGeminiChatStub } from '../helpers/stubs/gemini-chat.js'
import type { StubServer } from '../helpers/stubs/server.js'

const KEY = 'chat-key'
const fast = { baseDelayMs: 5, maxDelayMs: 20 }

type Stub = StubServer & { requests: { body: any }[] }

interface Vendor {
  name: string
  keyVariable: string
  start(): Promise<Stub>
  provider(url: string, apiKey?: string): ChatProvider
  /** the system text and the turns as the vendor's API received them */
  sent(body: any): { system: string; turns: [role: string, text: string][] }
  /** the JSON Schema the request carried, where the vendor takes one */
  schemaOf(body: any): any
  streamed(stub: Stub): boolean
}

const completionsTurns = (body: any) => ({
  system: body.messages
    .filter((m: any) => m.role === 'system')
    .map((m: any) => m.content)
    .join('\n'),
  turns: body.messages.filter((m: any) => m.role !== 'system').map((m: any) => [m.role, m.content] as [string, string])
})

const VENDORS: Vendor[] = [
  {
    name: 'openai',
    keyVariable: 'OPENAI_API_KEY',
    start: () => startChatCompletionsStub({ prefix: '/v1', apiKey: KEY }),
    provider: (url, apiKey = KEY) => createOpenAiChat({ apiKey, baseURL: `${url}/v1`, model: 'gpt-test' }),
    sent: completionsTurns,
    schemaOf: (body) => JSON.parse(body.messages.at(-1).content.split('\n').slice(1).join('\n')),
    streamed: (stub) => stub.requests.at(-1)!.body.stream === true
  },
  {
    name: 'groq',
    keyVariable: 'GROQ_API_KEY',
    start: () => startChatCompletionsStub({ prefix: '/openai/v1', apiKey: KEY }),
    provider: (url, apiKey = KEY) => createGroqChat({ apiKey, baseURL: url, model: 'llama-test' }),
    sent: completionsTurns,
    schemaOf: (body) => JSON.parse(body.messages.at(-1).content.split('\n').slice(1).join('\n')),
    streamed: (stub) => stub.requests.at(-1)!.body.stream === true
  },
  {
    name: 'gemini',
    keyVariable: 'GEMINI_API_KEY',
    start: () => startGeminiChatStub({ apiKey: KEY }),
    provider: (url, apiKey = KEY) => createGeminiChat({ apiKey, baseUrl: url, model: 'gemini-test' }),
    sent: (body) => ({
      system: body.systemInstruction?.parts?.map((p: any) => p.text).join('\n') ?? '',
      turns: body.contents.map((c: any) => [c.role, c.parts[0].text] as [string, string])
    }),
    schemaOf: (body) => body.generationConfig.responseJsonSchema,
    streamed: (stub) => (stub as unknown as { requests: { stream: boolean }[] }).requests.at(-1)!.stream
  }
]

const CONVERSATION: ChatMessage[] = [
  { role: 'system', content: 'You are a patient English tutor.' },
  { role: 'user', content: 'I goed to school.' },
  { role: 'assistant', content: 'Almost: "I went to school."' },
  { role: 'user', content: 'I went to school yesterday.' }
]

const Correction = Type.Object({ corrected: Type.String({ minLength: 1 }), mistakes: Type.Integer({ minimum: 0 }) })

describe.each(VENDORS)('$name chat', (vendor) => {
  let stub: Stub
  beforeAll(async () => {
    stub = await vendor.start()
  })
  afterAll(() => stub.close())
  const client = (o: { apiKey?: string; timeoutMs?: number } = {}) =>
    createChatClient({ provider: vendor.provider(stub.url, o.apiKey), timeoutMs: o.timeoutMs ?? 5000, retry: fast })

  it('sends the system prompt and every turn in order, and returns the answer text', async () => {
    const answer = await client().complete(CONVERSATION, { temperature: 0.3 })
    expect(answer).toBe('You said: I went to school yesterday.')
    const { system, turns } = vendor.sent(stub.requests.at(-1)!.body)
    expect(system).toBe('You are a patient English tutor.')
    const assistant = vendor.name === 'gemini' ? 'model' : 'assistant'
    expect(turns).toEqual([
      ['user', 'I goed to school.'],
      [assistant, 'Almost: "I went to school."'],
      ['user', 'I went to school yesterday.']
    ])
  })

  it('returns JSON checked against the schema, and sends the schema with the request', async () => {
    stub.script({ kind: 'ok', text: '{"corrected": "I went to school.", "mistakes": 1}' })
    const value = await client().completeJson(CONVERSATION, Correction)
    expect(value).toEqual({ corrected: 'I went to school.', mistakes: 1 })
    const schema = vendor.schemaOf(stub.requests.at(-1)!.body)
    expect(schema.required).toEqual(['corrected', 'mistakes'])
    expect(schema.properties.mistakes).toMatchObject({ type: 'integer', minimum: 0 })
  })

  it('asks once more after an answer that is not JSON, and uses the second answer', async () => {
    stub.script(
      { kind: 'ok', text: 'Sure! The corrected sentence is: I went to school.' },
      { kind: 'ok', text: '{"corrected": "I went to school.", "mistakes": 1}' }
    )
    const before = stub.hits
    const invalid: string[] = []
    const value = await client().completeJson(CONVERSATION, Correction, { onInvalid: (why) => invalid.push(why) })
    expect(value.corrected).toBe('I went to school.')
    expect(stub.hits).toBe(before + 2)
    expect(invalid).toEqual([expect.stringMatching(/not JSON/)])
  })

  it('gives up with chat_invalid_output after two answers that miss the schema', async () => {
    stub.script({ kind: 'ok', text: '{"corrected": ""}' }, { kind: 'ok', text: '{"corrected": "x", "mistakes": -2}' })
    const before = stub.hits
    const err = await client()
      .completeJson(CONVERSATION, Correction)
      .catch((e) => e)
    expect(stub.hits).toBe(before + 2)
    expect(err).toBeInstanceOf(ChatError)
    expect(err).toMatchObject({ code: 'chat_invalid_output', statusCode: 502, provider: vendor.name })
    expect(err.message).toMatch(new RegExp(`^The ${vendor.name} chat model returned invalid output twice \\(.*/mistakes.*\\)\\.$`))
  })

  it('streams the answer as several text deltas', async () => {
    stub.script({ kind: 'ok', text: 'Well done! That sentence is correct.' })
    const deltas: string[] = []
    for await (const delta of client().stream(CONVERSATION)) deltas.push(delta)
    expect(vendor.streamed(stub)).toBe(true)
    expect(deltas.length).toBeGreaterThan(3)
    expect(deltas.join('')).toBe('Well done! That sentence is correct.')
  })

  it('ends a stream that stalls with chat_timeout, keeping what arrived', async () => {
    stub.script({ kind: 'ok', text: 'one two three four', stallAfter: 2 })
    const deltas: string[] = []
    const started = Date.now()
    const err = await (async () => {
      for await (const delta of client({ timeoutMs: 300 }).stream(CONVERSATION)) deltas.push(delta)
    })().catch((e) => e)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(deltas.join('')).toBe('one two ')
    expect(err).toMatchObject({ code: 'chat_timeout', message: `The ${vendor.name} chat model did not answer within 0.3 s.` })
  })

  it('retries a refused stream before the first delta', async () => {
    stub.script({ kind: 'error', status: 503 })
    const before = stub.hits
    let text = ''
    for await (const delta of client().stream([{ role: 'user', content: 'hello' }])) text += delta
    expect(text).toBe('You said: hello')
    expect(stub.hits).toBe(before + 2)
  })

  it('retries a rate limit and a server error, then answers', async () => {
    stub.script({ kind: 'rate-limited', retryAfterSeconds: 0 }, { kind: 'error' })
    const before = stub.hits
    expect(await client().complete([{ role: 'user', content: 'hi' }])).toBe('You said: hi')
    expect(stub.hits).toBe(before + 3)
  })

  it('reports a server that keeps failing after the attempts run out', async () => {
    stub.script({ kind: 'error' }, { kind: 'error' }, { kind: 'error' })
    const err = await client()
      .complete([{ role: 'user', content: 'hi' }])
      .catch((e) => e)
    expect(err).toMatchObject({ code: 'chat_failed', reason: 'server error (500)' })
    expect(err.message).toMatch(/after 3 attempts/)
  })

  it('makes one attempt when the caller asks for one', async () => {
    stub.script({ kind: 'rate-limited', retryAfterSeconds: 7 })
    const before = stub.hits
    const err = await client()
      .complete([{ role: 'user', content: 'hi' }], { attempts: 1 })
      .catch((e) => e)
    expect(stub.hits).toBe(before + 1)
    expect(err).toMatchObject({
      code: 'chat_rate_limited',
      statusCode: 503,
      message: `The ${vendor.name} chat model is rate limiting requests. Try again in 7 s.`
    })
  })

  it('names the variable to fix when the key is rejected, without retrying', async () => {
    const before = stub.hits
    const err = await client({ apiKey: 'wrong' })
      .complete([{ role: 'user', content: 'hi' }])
      .catch((e) => e)
    expect(stub.hits).toBe(before + 1)
    expect(err).toMatchObject({ code: 'chat_auth_failed', statusCode: 502 })
    expect(err.message).toContain(vendor.keyVariable)
  })

  it("stops when the caller aborts, with the caller's reason", async () => {
    stub.script({ kind: 'hang' })
    const reason = new Error('client went away')
    const controller = new AbortController()
    setTimeout(() => controller.abort(reason), 100)
    await expect(client().complete([{ role: 'user', content: 'hi' }], { signal: controller.signal })).rejects.toBe(reason)
  })
})

describe('builtin chat', () => {
  const chat = createChatClient({ provider: createBuiltinChat('No chat model is configured: set GROQ_API_KEY.'), timeoutMs: 1000 })

  it('says it cannot converse, and which variable to set', async () => {
    expect(chat.available).toBe(false)
    await expect(chat.complete([{ role: 'user', content: 'hi' }])).rejects.toMatchObject({
      code: 'chat_unavailable',
      statusCode: 503,
      message: 'No chat model is configured: set GROQ_API_KEY.'
    })
    const stream = chat.stream([{ role: 'user', content: 'hi' }])[Symbol.asyncIterator]()
    await expect(stream.next()).rejects.toMatchObject({ code: 'chat_unavailable' })
  })
})
