import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAnalyzer, type CacheLike, type Outcome } from '../../src/analysis/index.js'
import { createChatClient, createGeminiChat, createGroqChat, createOpenAiChat, type ChatProvider } from '../../src/chat/index.js'
import { startChatCompletionsStub } from '../helpers/stubs/chat-completions.js'
import { startGeminiChatStub } from '../helpers/stubs/gemini-chat.js'
import type { StubServer } from '../helpers/stubs/server.js'
import { inputOf } from './conversations.js'

const KEY = 'test-key'

/** A plausible model answer, distinct from what the builtin analyzer would say. */
const STUB_ANALYSIS = {
  summary: 'The customer bought the premium plan after asking about the price.',
  tags: ['client wants to buy', 'sale'],
  intent: 'purchase',
  mood: 'positive',
  emotions: ['happy'],
  roles: { A: 'agent', B: 'customer' },
  insights: ['The customer asked about pricing once.', 'The sale closed on the first call.'],
  entities: [{ type: 'organization', text: 'Acme Telecom' }]
}
const REFINED = { text: 'Could you please send me the report?' }
const NOT_JSON = 'Sure! Here is the analysis you asked for: the customer bought a plan.'
const BAD_SCHEMA = JSON.stringify({ summary: 42, tags: 'sale', mood: 'ecstatic' })

/** The fake model answers an analysis request with STUB_ANALYSIS and a refine request with REFINED. */
const answer = (isAnalysis: boolean) => JSON.stringify(isAnalysis ? STUB_ANALYSIS : REFINED)

type Stub = StubServer & { requests: { body: any }[] }

interface Vendor {
  name: string
  start(): Promise<Stub>
  provider(url: string, apiKey?: string, model?: string): ChatProvider
}

const VENDORS: Vendor[] = [
  {
    name: 'openai',
    // Only the analysis prompt carries the schema with its "summary" field.
    start: () => startChatCompletionsStub({ prefix: '/v1', apiKey: KEY, answer: (b) => answer(b.messages[0].content.includes('"summary"')) }),
    provider: (url, apiKey = KEY, model) => createOpenAiChat({ apiKey, baseURL: `${url}/v1`, model })
  },
  {
    name: 'groq',
    start: () => startChatCompletionsStub({ prefix: '/openai/v1', apiKey: KEY, answer: (b) => answer(b.messages[0].content.includes('"summary"')) }),
    provider: (url, apiKey = KEY, model) => createGroqChat({ apiKey, baseURL: url, model })
  },
  {
    name: 'gemini',
    start: () => startGeminiChatStub({ apiKey: KEY, answer: (b) => answer(Boolean(b.generationConfig.responseJsonSchema.properties.summary)) }),
    provider: (url, apiKey = KEY, model) => createGeminiChat({ apiKey, baseUrl: url, model })
  }
]

function memoryCache(): CacheLike & { entries: Map<string, string> } {
  const entries = new Map<string, string>()
  return { entries, get: async (k) => entries.get(k) ?? null, set: async (k, v) => void entries.set(k, v) }
}

describe.each(VENDORS)('$name provider', (vendor) => {
  let stub: Stub
  beforeAll(async () => {
    stub = await vendor.start()
  })
  afterAll(() => stub.close())

  function analyzer(opts: { apiKey?: string; timeoutSeconds?: number; cache?: CacheLike; model?: string } = {}) {
    const outcomes: Outcome[] = []
    const a = createAnalyzer({
      chat: createChatClient({ provider: vendor.provider(stub.url, opts.apiKey, opts.model), timeoutMs: 10_000 }),
      cache: opts.cache,
      timeoutSeconds: opts.timeoutSeconds ?? 10,
      onOutcome: (_name, outcome) => outcomes.push(outcome)
    })
    return Object.assign(a, { outcomes })
  }
  const sent = () => stub.hits

  it('returns the model analysis, asks for JSON, and sends the prompt and the diarized transcript', async () => {
    const before = sent()
    const a = analyzer()
    const result = await a.analyze(inputOf('purchase'))
    expect(result).toEqual({ analysis: STUB_ANALYSIS, provider: vendor.name, promptVersion: 'analysis.v2' })
    expect(a.outcomes).toEqual(['ok'])
    expect(sent()).toBe(before + 1)
    const body = stub.requests.at(-1)!.body
    const wire = JSON.stringify(body)
    expect(wire).toContain('client wants to buy') // the tag set travels with the request
    expect(wire).toContain("B: Hi, my name is John Smith. I'd like to buy the premium plan for my family.")
    if (vendor.name === 'gemini') {
      expect(body.generationConfig.responseMimeType).toBe('application/json')
      expect(body.generationConfig.responseJsonSchema.required).toContain('summary')
      // Roles are a free-form map, in the form Gemini's JSON Schema support understands.
      expect(body.generationConfig.responseJsonSchema.properties.roles).toEqual(
        expect.objectContaining({ type: 'object', additionalProperties: { type: 'string' } })
      )
    } else {
      expect(body.response_format).toEqual({ type: 'json_object' })
      expect(body.messages[0].role).toBe('system')
    }
  })

  it('refines text through the model', async () => {
    const result = await analyzer().refine('send me the report')
    expect(result).toEqual({ output: 'Could you please send me the report?', provider: vendor.name })
  })

  it('repairs near misses: an unknown tag is dropped and enum case is fixed', async () => {
    stub.script({ kind: 'ok', text: JSON.stringify({ ...STUB_ANALYSIS, tags: ['Sale', 'hot lead'], mood: 'Positive', emotions: ['Joy'] }) })
    const { analysis, error } = await analyzer().analyze(inputOf('support'))
    expect(error).toBeUndefined()
    expect(analysis.tags).toEqual(['sale'])
    expect(analysis.mood).toBe('positive')
    expect(analysis.emotions).toEqual(['happy'])
  })

  it('retries once after invalid output and uses the second answer', async () => {
    stub.script({ kind: 'ok', text: NOT_JSON }, { kind: 'ok' })
    const before = sent()
    const a = analyzer()
    const result = await a.analyze(inputOf('complaint'))
    expect(result.provider).toBe(vendor.name)
    expect(result.analysis).toEqual(STUB_ANALYSIS)
    expect(result.error).toBeUndefined()
    expect(sent()).toBe(before + 2)
    expect(a.outcomes).toEqual(['invalid', 'ok'])
  })

  it('falls back to the builtin analysis after invalid output twice, and says why', async () => {
    stub.script({ kind: 'ok', text: BAD_SCHEMA }, { kind: 'ok', text: BAD_SCHEMA })
    const before = sent()
    const a = analyzer()
    const result = await a.analyze(inputOf('complaint'))
    expect(sent()).toBe(before + 2)
    expect(result.provider).toBe('builtin')
    expect(result.promptVersion).toBe('builtin.v2')
    expect(result.error).toMatch(new RegExp(`^${vendor.name}: returned invalid output twice \\(.+\\); used builtin analysis$`))
    expect(result.analysis.intent).toBe('complaint') // the builtin answer, not an empty one
    expect(a.outcomes).toEqual(['invalid', 'invalid', 'fallback'])
  })

  // The stub never answers, so finishing at all proves the timeout fired; how fast is not asserted on a loaded CI.
  it('falls back when the model hangs, naming the timeout', async () => {
    stub.script({ kind: 'hang' })
    const a = analyzer({ timeoutSeconds: 0.5 })
    const result = await a.analyze(inputOf('voicemail'))
    expect(result.error).toBe(`${vendor.name}: timed out after 0.5 s; used builtin analysis`)
    expect(result.analysis.tags).toContain('voicemail')
    expect(a.outcomes).toEqual(['timeout', 'fallback'])
  })

  it('falls back with a clear error when the API key is rejected, without retrying', async () => {
    const before = sent()
    const a = analyzer({ apiKey: 'wrong-key' })
    const result = await a.analyze(inputOf('purchase'))
    expect(sent()).toBe(before + 1)
    expect(result.provider).toBe('builtin')
    expect(result.error).toMatch(new RegExp(`^${vendor.name}: rejected the API key \\((401|400 API_KEY_INVALID)\\); used builtin analysis$`))
    expect(a.outcomes).toEqual(['error', 'fallback'])
  })

  it.each([
    ['rate-limited', 'rate limited (429)'],
    ['error', 'server error (500)']
  ] as const)('falls back at once on %s', async (kind, message) => {
    stub.script({ kind })
    const before = sent()
    const result = await analyzer().analyze(inputOf('support'))
    expect(sent()).toBe(before + 1) // the SDK's own retries are off
    expect(result.error).toBe(`${vendor.name}: ${message}; used builtin analysis`)
  })

  it('falls back for refine too', async () => {
    stub.script({ kind: 'error' })
    const result = await analyzer().refine('send me the report')
    expect(result).toEqual({
      output: 'Could you please send me the report? Thank you.',
      provider: 'builtin',
      error: `${vendor.name}: server error (500); used builtin refine`
    })
  })

  it('serves a repeated analysis from the cache without a second request', async () => {
    const cache = memoryCache()
    const before = sent()
    const first = await analyzer({ cache }).analyze(inputOf('support', true))
    const again = analyzer({ cache })
    const second = await again.analyze(inputOf('support', true))
    expect(sent()).toBe(before + 1)
    expect(second).toEqual(first)
    expect(again.outcomes).toEqual(['cached'])
    // Another model must not be served this model's answer.
    await analyzer({ cache, model: 'another-model' }).analyze(inputOf('support', true))
    expect(sent()).toBe(before + 2)
  })

  it('does not cache a fallback, so the next call tries the model again', async () => {
    const cache = memoryCache()
    stub.script({ kind: 'error' })
    const before = sent()
    expect((await analyzer({ cache }).analyze(inputOf('cancellation'))).error).toBeDefined()
    expect((await analyzer({ cache }).analyze(inputOf('cancellation'))).error).toBeUndefined()
    expect(sent()).toBe(before + 2)
  })
})
