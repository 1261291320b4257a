import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChatClient, createGeminiChat, createGroqChat, createOpenAiChat, type ChatProvider, type TokenUsage } from '../../src/chat/index.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { startChatCompletionsStub } from '../helpers/stubs/chat-completions.js'
import { startGeminiChatStub } from '../helpers/stubs/gemini-chat.js'
import type { StubServer } from '../helpers/stubs/server.js'

const KEY = 'chat-key'

/** Each stub counts 100 prompt and 50 completion tokens per answer, in its vendor's own fields. */
const VENDORS: Array<{ name: string; start(): Promise<StubServer>; provider(url: string): ChatProvider }> = [
  {
    name: 'openai',
    start: () => startChatCompletionsStub({ prefix: '/v1', apiKey: KEY }),
    provider: (url) => createOpenAiChat({ apiKey: KEY, baseURL: `${url}/v1`, model: 'gpt-test' })
  },
  {
    name: 'groq',
    start: () => startChatCompletionsStub({ prefix: '/openai/v1', apiKey: KEY }),
    provider: (url) => createGroqChat({ apiKey: KEY, baseURL: url, model: 'llama-test' })
  },
  {
    name: 'gemini',
    start: () => startGeminiChatStub({ apiKey: KEY }),
    provider: (url) => createGeminiChat({ apiKey: KEY, baseUrl: url, model: 'gemini-test' })
  }
]

describe.each(VENDORS)('$name token counts', (vendor) => {
  let stub: StubServer
  beforeAll(async () => {
    stub = await vendor.start()
  })
  afterAll(() => stub.close())

  it('are taken from complete and stream answers, once per answer', async () => {
    const seen: Array<[string, TokenUsage]> = []
    const client = createChatClient({ provider: vendor.provider(stub.url), timeoutMs: 5000, onUsage: (provider, usage) => seen.push([provider, usage]) })
    await client.complete([{ role: 'user', content: 'Hello there' }])
    let text = ''
    for await (const delta of client.stream([{ role: 'user', content: 'Tell me a longer story about the sea and the wind' }])) text += delta
    expect(text.length).toBeGreaterThan(10)
    expect(seen).toEqual([
      [vendor.name, { prompt: 100, completion: 50 }],
      [vendor.name, { prompt: 100, completion: 50 }]
    ])
  })
})

describe('token usage metric', () => {
  let stub: StubServer
  let t: TestApp
  beforeAll(async () => {
    stub = await startChatCompletionsStub({ prefix: '/openai/v1', apiKey: KEY })
    t = await buildTestApp({ env: { LLM_PROVIDER: 'groq', GROQ_API_KEY: KEY, GROQ_BASE_URL: stub.url } })
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await stub?.close()
  })

  it('shows the tokens of every chat-model answer on /metrics by provider and kind', async () => {
    await t.app.chat.complete([{ role: 'user', content: 'Hello' }])
    for await (const delta of t.app.chat.stream([{ role: 'user', content: 'Hello again' }])) expect(delta).toBeTruthy()
    const metrics = (await t.app.inject({ url: '/metrics' })).body
    expect(metrics).toMatch(/^voxlens_llm_tokens_total\{provider="groq",kind="prompt"\} 200$/m)
    expect(metrics).toMatch(/^voxlens_llm_tokens_total\{provider="groq",kind="completion"\} 100$/m)
  })
})
