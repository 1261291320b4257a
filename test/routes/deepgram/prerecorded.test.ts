import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { DeepgramClient, DeepgramError } from '@deepgram/sdk'
import { buildTestApp, signUp, type TestApp } from '../../helpers/app.js'
import { buildConversation, SALES_CALL } from '../../fixtures/conversation.js'
import { makeNoise, synthesize } from '../../fixtures/speech.js'
import { normalizeWords } from '../../../src/stt/wer.js'

const clientFor = (base: string, apiKey = 'dg-local-key') =>
  new DeepgramClient({ apiKey, environment: { base, production: base.replace('http', 'ws'), agent: base, agentRest: base }, maxRetries: 0 } as never)

/** The SDK's failure: status and the Deepgram error body the server sent. */
async function refusal(call: Promise<unknown>): Promise<{ status?: number; body: any }> {
  try {
    await call
  } catch (err) {
    if (err instanceof DeepgramError) return { status: err.statusCode, body: err.body }
    throw err
  }
  throw new Error('the call succeeded')
}

describe('Deepgram-compatible POST /v1/listen', () => {
  let t: TestApp
  let base: string
  let client: DeepgramClient
  let call: Buffer

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', MAX_UPLOAD_MB: '2', MAX_AUDIO_SECONDS: '60', RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    client = clientFor(base)
    call = readFileSync((await buildConversation(SALES_CALL)).path)
  })
  afterAll(async () => t.close())

  it('transcribes a two-voice call with diarized words and utterances through the official SDK', async () => {
    const res: any = await client.listen.v1.media.transcribeFile(call, { model: 'nova-3', diarize: true, utterances: true, punctuate: true, sentiment: true })
    expect(res.metadata).toMatchObject({ request_id: expect.any(String), channels: 1, models: [expect.any(String)], duration: expect.any(Number) })
    expect(res.metadata.duration).toBeGreaterThan(10)

    const alt = res.results.channels[0].alternatives[0]
    const spoken = normalizeWords(alt.transcript)
    for (const w of ['premium', 'plan', 'business', 'forty', 'dollars', 'month']) expect(spoken).toContain(w)
    expect(alt.confidence).toBeGreaterThan(0)
    for (const w of alt.words) {
      expect(w).toMatchObject({ word: expect.any(String), start: expect.any(Number), end: expect.any(Number), confidence: expect.any(Number) })
      expect(w.end).toBeGreaterThanOrEqual(w.start)
      expect([0, 1]).toContain(w.speaker)
    }
    expect(alt.words[0].punctuated_word).toMatch(/^[A-Z]/)

    // The agent (rms) opens and speaks turns 1 and 3; the customer (slt) speaks turns 2 and 4.
    const utterances = res.results.utterances
    expect(utterances.length).toBeGreaterThanOrEqual(4)
    const speakerAt = (t: number) => utterances.find((u: any) => u.start <= t && t <= u.end)?.speaker
    const conv = await buildConversation(SALES_CALL)
    const mid = conv.reference.map((r) => speakerAt((r.start + r.end) / 2))
    expect(mid[0]).toBe(mid[2])
    expect(mid[1]).toBe(mid[3])
    expect(mid[0]).not.toBe(mid[1])
    const customer = utterances
      .filter((u: any) => u.speaker === mid[1])
      .map((u: any) => u.transcript)
      .join(' ')
    expect(normalizeWords(customer)).toContain('business')
    for (const u of utterances) expect(u.words.every((w: any) => w.speaker === u.speaker)).toBe(true)

    expect(res.results.sentiments.average.sentiment).toMatch(/^(positive|neutral|negative)$/)
  })

  it('leaves out speakers and utterances unless asked', async () => {
    const wav = readFileSync(await synthesize('I would like to buy the premium plan for my company', { voice: 'slt', padStart: 0.3, padEnd: 0.3 }))
    const res: any = await client.listen.v1.media.transcribeFile(wav, { model: 'nova-3' })
    const alt = res.results.channels[0].alternatives[0]
    expect(normalizeWords(alt.transcript)).toContain('premium')
    expect(alt.words.length).toBeGreaterThan(5)
    expect(alt.words[0].speaker).toBeUndefined()
    expect(alt.words[0].punctuated_word).toBeUndefined()
    expect(res.results.utterances).toBeUndefined()
  })

  it('refuses bad recordings with a Deepgram error body', async () => {
    const empty = await refusal(client.listen.v1.media.transcribeFile(Buffer.alloc(0), {}))
    expect(empty.status).toBe(400)
    expect(empty.body).toMatchObject({ err_code: 'empty_file', err_msg: expect.stringMatching(/0 bytes/), request_id: expect.any(String) })

    const noise = await refusal(client.listen.v1.media.transcribeFile(randomBytes(20_000), {}))
    expect(noise.status).toBe(400)
    expect(noise.body.err_msg).toMatch(/audio|recogni|format/i)

    const big = await refusal(client.listen.v1.media.transcribeFile(Buffer.alloc(3 * 1024 * 1024), {}))
    expect(big.status).toBe(413)
    expect(big.body).toMatchObject({ err_code: 'file_too_large', err_msg: expect.stringMatching(/MAX_UPLOAD_MB = 2 MB/) })

    const res = await fetch(`${base}/v1/listen`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Token x' },
      body: JSON.stringify({ url: 'https://example.com/a.wav' })
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ err_code: 'remote_audio_unsupported', err_msg: expect.stringMatching(/request body/) })
  })

  it('answers silence with an empty transcript, as Deepgram does', async () => {
    const res: any = await client.listen.v1.media.transcribeFile(readFileSync(await makeNoise(2)), { utterances: true })
    expect(res.results.channels[0].alternatives[0]).toMatchObject({ transcript: '', words: [] })
    expect(res.results.utterances).toEqual([])
  })

  it('refuses a key that looks like ours but is not valid', async () => {
    const bad = await refusal(clientFor(base, 'vxk_not_a_real_key').listen.v1.media.transcribeFile(call, {}))
    expect(bad.status).toBe(401)
    expect(bad.body).toMatchObject({ err_code: 'INVALID_AUTH', request_id: expect.any(String) })
  })
})

describe('POST /v1/listen with AUTH_MODE=required', () => {
  let t: TestApp
  let base: string
  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', AUTH_MODE: 'required', RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => t.close())

  it("takes an API key in Deepgram's Token scheme and refuses a call without one", async () => {
    const wav = readFileSync(await synthesize('Please send me the invoice', { voice: 'slt', padStart: 0.3, padEnd: 0.3 }))
    const anonymous = await refusal(clientFor(base, 'dg-placeholder').listen.v1.media.transcribeFile(wav, {}))
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.err_code).toBe('INVALID_AUTH')

    const user = await signUp(t.app)
    const created = await t.app.inject({ method: 'POST', url: '/api/auth/keys', headers: user.headers, payload: { name: 'deepgram sdk' } })
    const key = created.json().data.key as string
    const res: any = await clientFor(base, key).listen.v1.media.transcribeFile(wav, {})
    expect(normalizeWords(res.results.channels[0].alternatives[0].transcript)).toContain('send')
  })
})
