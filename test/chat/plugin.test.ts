import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { chooseChatProvider } from '../../src/plugins/app/chat.js'
import { buildTestApp, testEnv, type TestApp } from '../helpers/app.js'
import { startChatCompletionsStub, type ChatCompletionsStub } from '../helpers/stubs/chat-completions.js'

describe('chat and analysis plugins', () => {
  let stub: ChatCompletionsStub
  beforeAll(async () => {
    stub = await startChatCompletionsStub({ prefix: '/v1', apiKey: 'sk-test' })
  })
  afterAll(() => stub.close())

  describe('with LLM_PROVIDER=openai on an OpenAI-compatible server', () => {
    let t: TestApp
    beforeAll(async () => {
      t = await buildTestApp({ env: { LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${stub.url}/v1`, LLM_MODEL: 'small-model' } })
    })
    afterAll(() => t.close())

    it('talks to the configured model, and analysis uses the same model', async () => {
      expect(t.app.chat).toMatchObject({ provider: 'openai', model: 'small-model', available: true })
      expect(await t.app.chat.complete([{ role: 'user', content: 'Good morning' }])).toBe('You said: Good morning')
      expect(stub.requests.at(-1)!.body.model).toBe('small-model')
      expect(t.app.analysis.provider).toBe('openai')
    })
  })

  describe('without any key', () => {
    let t: TestApp
    beforeAll(async () => {
      t = await buildTestApp()
    })
    afterAll(() => t.close())

    it('analyses offline, and chat says which variables to set', async () => {
      expect(t.app.analysis.provider).toBe('builtin')
      expect(t.app.chat.available).toBe(false)
      await expect(t.app.chat.complete([{ role: 'user', content: 'hi' }])).rejects.toMatchObject({
        code: 'chat_unavailable',
        message: expect.stringMatching(/GROQ_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY/)
      })
    })
  })

  it('refuses to start when LLM_PROVIDER names a provider without its key', () => {
    expect(() => chooseChatProvider(loadConfig(testEnv({ LLM_PROVIDER: 'gemini' })))).toThrow(
      'LLM_PROVIDER=gemini needs GEMINI_API_KEY: set it, or choose LLM_PROVIDER=builtin'
    )
  })
})
