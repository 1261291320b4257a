import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { startGeminiChatStub, type GeminiChatStub } from '../helpers/stubs/gemini-chat.js'
import { startTranscriptionStub, type TranscriptionStub } from '../helpers/stubs/transcriptions.js'
import { synthesize } from '../fixtures/speech.js'
import { cacheEnabled, loadConfig } from '../../src/config.js'

const TOO_SLOW = 'The tutor is taking too long, please try again'
const answer = (reply: string, correction: string | null = null, explanation: string | null = null) => JSON.stringify({ reply, correction, explanation })

describe('English practice with a chat model (Gemini stub) and a cloud recogniser (OpenAI stub)', () => {
  let t: TestApp
  let gemini: GeminiChatStub
  let whisper: TranscriptionStub

  const textChat = async (body: Record<string, unknown>) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ai/text-chat', payload: body })
    return { status: res.statusCode, body: res.json() }
  }
  const stored = (userId: string) => t.app.db.prisma.conversation.count({ where: { userId } })

  beforeAll(async () => {
    gemini = await startGeminiChatStub({ apiKey: 'gemini-test-key', answer: () => answer('That sounds nice! What else do you like?') })
    // Whisper-style segments with a low mean log-probability: every word it returns is a guess.
    whisper = await startTranscriptionStub({ prefix: '/v1', apiKey: 'openai-test-key', text: 'I am go to market', avgLogprob: -2 })
    t = await buildTestApp({
      env: {
        GEMINI_API_KEY: 'gemini-test-key',
        GEMINI_BASE_URL: gemini.url,
        OPENAI_API_KEY: 'openai-test-key',
        OPENAI_BASE_URL: `${whisper.url}/v1`,
        STT_ENGINE: 'openai',
        TTS_ENGINE: 'flite',
        // LLM_TIMEOUT_SECONDS also bounds the grammar check: generous, so a loaded CI machine's successful turns fit.
        LLM_TIMEOUT_SECONDS: '5',
        STT_TIMEOUT_SECONDS: '5',
        RATE_LIMIT_PER_MINUTE: '1000'
      }
    })
  })
  afterAll(async () => {
    await t?.close()
    await gemini?.close()
    await whisper?.close()
  })

  it('the model writes the reply, sees the conversation so far, and reports as loaded', async () => {
    const init = await t.app.inject({ method: 'POST', url: '/api/v1/ai/init-models' })
    expect(init.json()).toMatchObject({ stt: { status: 'loaded', mode: 'openai' }, llm: { status: 'loaded' } })

    gemini.script({ kind: 'ok', text: answer('Tea is lovely! Do you drink it with milk?') })
    const first = await textChat({ user_id: 'user-llm', message: 'I like tea.' })
    expect(first.body).toMatchObject({ reply_text: 'Tea is lovely! Do you drink it with milk?', correction: null, hinglish_explanation: null, score: 100 })

    gemini.script({ kind: 'ok', text: answer('Great! Milk tea is popular in India.') })
    const second = await textChat({ user_id: 'user-llm', message: 'Yes, I drink it with milk.', conversation_id: first.body.conversation_id })
    expect(second.body.reply_text).toBe('Great! Milk tea is popular in India.')
    const sent = JSON.stringify(gemini.requests.at(-1)!.body.contents)
    expect(sent).toContain('I like tea.')
    expect(sent).toContain('Tea is lovely! Do you drink it with milk?')
    expect(sent).toContain('Yes, I drink it with milk.')
  })

  it("accepts the model's correction only as a minimal edit, and our checker's finding wins", async () => {
    gemini.script({
      kind: 'ok',
      text: answer('How long have you lived there?', 'I have been living here since 2010', "Yahan 'have been living' aayega kyunki baat 2010 se ab tak ki hai.")
    })
    const minimal = await textChat({ user_id: 'user-edit', message: 'I am living here since 2010' })
    expect(minimal.body.correction).toBe('I am living here since 2010 → I have been living here since 2010')
    expect(minimal.body.hinglish_explanation).toBe("Yahan 'have been living' aayega kyunki baat 2010 se ab tak ki hai.")
    expect(minimal.body.score).toBeLessThan(100)

    gemini.script({
      kind: 'ok',
      text: answer('Nice to meet you, Raj!', 'Hello everyone, my name is Raj and I am very happy to meet all of you today.', 'Rewrite.')
    })
    const rewrite = await textChat({ user_id: 'user-edit', message: 'My name is Raj.' })
    expect(rewrite.body).toMatchObject({ correction: null, hinglish_explanation: null, score: 100, reply_text: 'Nice to meet you, Raj!' })

    gemini.script({ kind: 'ok', text: answer('What will you buy?', 'I go to market', 'Wrong fix.') })
    const ours = await textChat({ user_id: 'user-edit', message: 'I am go to market' })
    expect(ours.body.correction).toBe('I am go to market → I am going to the market')
  })

  it('a failing model falls back to the built-in partner, and the fallback is recorded', async () => {
    gemini.script({ kind: 'error', status: 500 })
    const res = await textChat({ user_id: 'user-fallback', message: 'I play cricket every Sunday.' })
    expect(res.status).toBe(200)
    expect(res.body.reply_text).toMatch(/\?$/)
    const reply = await t.app.db.prisma.message.findFirst({ where: { conversationId: res.body.conversation_id, role: 'assistant' } })
    expect(reply?.engine).toMatch(/^builtin \(fallback: server error \(500\)\)/)
  })

  it('a model past LLM_TIMEOUT_SECONDS ends the request 504 for the learner, and nothing is stored', async () => {
    gemini.script({ kind: 'hang' })
    const res = await textChat({ user_id: 'user-slow', message: 'I am go to market' })
    expect(res).toEqual({ status: 504, body: { detail: TOO_SLOW } })
    expect(await stored('user-slow')).toBe(0)
    const usage = await t.app.inject({ url: '/api/v1/ai/usage?user_id=user-slow&days=1' })
    expect(usage.json().days[0].messages).toBe(0)
    const metrics = await t.app.inject({ url: '/metrics' })
    expect(metrics.body).toMatch(/voxlens_practice_chat_requests_total\{route="text",outcome="timeout"\} 1/)
  })

  it('voice chat does not correct words the recogniser was unsure of; a recogniser past STT_TIMEOUT_SECONDS is a 504', async () => {
    const wav = await readFile(await synthesize('I am go to market', { voice: 'slt' }))
    const voice = async () => {
      const form = new FormData()
      form.append('user_id', 'user-unsure')
      form.append('audio_file', new Blob([new Uint8Array(wav)]), 'speech.wav')
      const res = await fetch(`${base}/api/v1/ai/voice-chat`, { method: 'POST', body: form })
      return { status: res.status, body: (await res.json()) as any }
    }
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const heard = await voice()
    expect(heard.status).toBe(200)
    expect(heard.body).toMatchObject({ transcript: 'I am go to market', correction: null, hinglish_explanation: null })

    whisper.script({ kind: 'hang' })
    expect(await voice()).toEqual({ status: 504, body: { detail: TOO_SLOW } })
    expect(await t.app.db.prisma.message.count({ where: { conversation: { userId: 'user-unsure' } } })).toBe(2)
  })
})

describe('APP_ENV', () => {
  it('prod refuses to start without a cloud chat model key, naming the variable, and caches by default', () => {
    expect(() => loadConfig({ APP_ENV: 'prod' })).toThrow(/GEMINI_API_KEY/)
    expect(cacheEnabled(loadConfig({ APP_ENV: 'prod', GROQ_API_KEY: 'k' }))).toBe(true)
    expect(cacheEnabled(loadConfig({ APP_ENV: 'prod', GROQ_API_KEY: 'k', CACHE_ENABLED: 'false' }))).toBe(false)
    expect(cacheEnabled(loadConfig({ APP_ENV: 'dev' }))).toBe(false)
  })
})
