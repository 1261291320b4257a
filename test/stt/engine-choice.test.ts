import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { synthesize } from '../fixtures/speech.js'
import { buildConversation, SALES_CALL } from '../fixtures/conversation.js'

async function post(base: string, path: string, file: Buffer, fields: Record<string, string>) {
  const form = new FormData()
  form.append('file', new Blob([file]), 'call.wav')
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  const res = await fetch(`${base}${path}`, { method: 'POST', body: form })
  return { status: res.status, body: (await res.json()) as any }
}

// Only sphinx is configured: no WHISPER_MODEL_PATH, no cloud keys.
describe('choosing a speech engine', () => {
  let t: TestApp
  let base: string
  let wav: Buffer

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    wav = readFileSync(await synthesize('Please send the invoice to my office by Friday.', { voice: 'slt', padStart: 0.3, padEnd: 0.3 }))
  })
  afterAll(async () => t.close())

  it('POST /api/calls refuses an unknown engine, naming the engines it has, and stores nothing', async () => {
    const before = ((await (await fetch(`${base}/api/calls`)).json()) as any).total
    const res = await post(base, '/api/calls', wav, { engine: 'bogus' })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ success: false, code: 'unknown_engine' })
    expect(res.body.error).toBe('Unknown engine "bogus": available engines are sphinx; leave it out for the default (sphinx).')
    expect(((await (await fetch(`${base}/api/calls`)).json()) as any).total).toBe(before)
  })

  it('POST /api/calls refuses an engine this server has not configured, saying how to turn it on', async () => {
    const res = await post(base, '/api/calls', wav, { engine: 'whisper', async: 'true' })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ success: false, code: 'engine_not_configured' })
    expect(res.body.error).toMatch(/WHISPER_MODEL_PATH.*available engines are sphinx/)
  })

  it('/v1/audio/transcriptions refuses our engines that are not configured and unknown names, in OpenAI error shape', async () => {
    for (const [model, code, hint] of [
      ['whisper', 'engine_not_configured', /WHISPER_MODEL_PATH/],
      ['groq', 'engine_not_configured', /GROQ_API_KEY/],
      ['bogus', 'unknown_engine', /"bogus"/]
    ] as const) {
      const res = await post(base, '/v1/audio/transcriptions', wav, { model })
      expect(res.status, model).toBe(400)
      expect(res.body.error).toMatchObject({ code, type: 'invalid_request_error' })
      expect(res.body.error.message).toMatch(hint)
      expect(res.body.error.message).toContain('available engines are sphinx')
    }
  })

  it("/v1/audio/transcriptions takes OpenAI's model names as the default engine", async () => {
    for (const model of ['whisper-1', 'gpt-4o-mini-transcribe', 'sphinx']) {
      const res = await post(base, '/v1/audio/transcriptions', wav, { model })
      expect(res.status, model).toBe(200)
      expect(res.body.text).toMatch(/invoice/)
    }
  })

  it('shows progress during recognition of an asynchronous call', async () => {
    const call = await buildConversation(SALES_CALL)
    const res = await post(base, '/api/calls', readFileSync(call.path), { async: 'true', diarize: 'false', emotion: 'false', analyze: 'false' })
    expect(res.status).toBe(202)
    const seen: number[] = []
    let record: any
    for (let i = 0; i < 1200; i++) {
      const poll = await fetch(`${base}/api/calls/${res.body.data.id}`)
      expect(poll.status).toBe(200)
      record = ((await poll.json()) as any).data
      if (seen[seen.length - 1] !== record.progress) seen.push(record.progress)
      if (record.status === 'completed' || record.status === 'failed') break
      await new Promise((r) => setTimeout(r, 25))
    }
    expect(record.status).toBe('completed')
    expect(
      seen.some((p) => p > 10 && p < 55),
      `progress seen: ${seen.join(', ')}`
    ).toBe(true)
    // Never goes back.
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    // Real recognition of a minute of speech: slow when the machine is shared.
  }, 180_000)
})
