import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import OpenAI from 'openai'
import { OpenAIRealtimeWS } from 'openai/realtime/ws'
import { serverOptions } from '../../../src/app.js'
import { loadConfig } from '../../../src/config.js'
import { buildTestApp, signUp, type TestApp } from '../../helpers/app.js'
import { synthesize } from '../../fixtures/speech.js'
import { chunks, rawAudio, twoUtterances, words } from '../../streaming/audio.js'
import { RawRealtimeClient, throwawayCertificate, type ServerEvent } from './realtime-helpers.js'

const FIRST = 'I would like to buy the premium plan for my company'
const SECOND = 'thank you very much for your help today'

const activeStreams = async (t: TestApp) => {
  const text = (await t.app.inject('/metrics')).body
  return [...text.matchAll(/^voxlens_stream_sessions_active\{[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0)
}

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await sleep(50)
}

describe('OpenAI Realtime transcription at /v1/realtime over wss://', () => {
  let t: TestApp
  let base: string
  let client: OpenAI
  let tls: { cert: string; key: string }

  beforeAll(async () => {
    tls = await throwawayCertificate()
    t = await buildTestApp({ env: { TLS_CERT_FILE: tls.cert, TLS_KEY_FILE: tls.key, STT_POOL_SIZE: '2', STREAM_MAX_BUFFER_SECONDS: '120' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    client = new OpenAI({ apiKey: 'sk-local', baseURL: `${base}/v1`, maxRetries: 0 })
  })
  afterAll(async () => t.close())

  it('serves HTTPS itself when TLS_CERT_FILE and TLS_KEY_FILE are set', () => {
    expect(base).toMatch(/^https:\/\//)
  })

  it('stops start-up with a message naming the TLS variable that is missing or unreadable', () => {
    expect(() => serverOptions(loadConfig({ TLS_CERT_FILE: tls.cert }))).toThrow(/TLS_KEY_FILE.*set both/)
    expect(() => serverOptions(loadConfig({ TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: tls.key }))).toThrow(
      /TLS_CERT_FILE="\/nonexistent\/cert.pem": cannot read it \(ENOENT\)/
    )
  })

  it('the official SDK streams speech with server VAD and gets speech events, commits, deltas and completed transcripts', async () => {
    const rt = await OpenAIRealtimeWS.create(client, { model: 'gpt-4o-transcribe', options: { rejectUnauthorized: false } })
    const events: ServerEvent[] = []
    rt.on('event', (e) => events.push(e as unknown as ServerEvent))
    const errors: unknown[] = []
    rt.on('error', (err) => errors.push(err))
    await new Promise((resolve) => rt.socket.once('open', resolve))
    rt.send({
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24000 },
            transcription: { model: 'sphinx', language: 'en' },
            turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 }
          }
        }
      }
    })
    const pcm = await rawAudio(await twoUtterances(FIRST, SECOND), 'pcm16', 24000)
    // at the pace of speech, 20 ms a message, as a microphone sends it
    for (const c of chunks(pcm, 48000)) {
      rt.send({ type: 'input_audio_buffer.append', audio: c.toString('base64') })
      await sleep(20)
    }
    await until(() => events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed').length === 2)
    rt.close()

    expect(errors).toEqual([])
    expect(events[0]).toMatchObject({ type: 'session.created', session: { type: 'transcription' } })
    const updated = events.find((e) => e.type === 'session.updated')
    expect(updated).toMatchObject({
      session: {
        type: 'transcription',
        audio: {
          input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: 'sphinx', language: 'en' }, turn_detection: { type: 'server_vad' } }
        }
      }
    })
    const completed = events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed')
    expect(completed.map((e) => words(e.transcript as string))).toEqual([words(FIRST), words(SECOND)])
    for (const done of completed) {
      const id = done.item_id
      const order = events.filter((e) => e.item_id === id).map((e) => e.type)
      expect(order.slice(0, 3)).toEqual(['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed'])
      expect(order.at(-1)).toBe('conversation.item.input_audio_transcription.completed')
      const deltas = events.filter((e) => e.type === 'conversation.item.input_audio_transcription.delta' && e.item_id === id).map((e) => e.delta)
      expect(deltas.join('')).toBe(done.transcript)
      expect(done.usage).toMatchObject({ type: 'duration' })
    }
    const [start1, start2] = events.filter((e) => e.type === 'input_audio_buffer.speech_started').map((e) => e.audio_start_ms as number)
    // the second sentence starts after the first and the 1.2 s pause between them
    expect(start2 - start1).toBeGreaterThan(3000)
    const commits = events.filter((e) => e.type === 'input_audio_buffer.committed')
    expect(commits[1].previous_item_id).toBe(commits[0].item_id)
    await until(async () => (await activeStreams(t)) === 0)
  })

  it('takes G.711 μ-law with the client committing (turn_detection null)', async () => {
    const rt = await OpenAIRealtimeWS.create(client, { model: 'sphinx', options: { rejectUnauthorized: false } })
    const events: ServerEvent[] = []
    rt.on('event', (e) => events.push(e as unknown as ServerEvent))
    const errors: Array<{ error?: unknown }> = []
    rt.on('error', (err) => errors.push(err))
    await new Promise((resolve) => rt.socket.once('open', resolve))
    rt.send({ type: 'session.update', session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcmu' }, turn_detection: null } } } })
    rt.send({ type: 'input_audio_buffer.commit' })
    const ulaw = await rawAudio(await synthesize(SECOND, { voice: 'slt', padStart: 0.3, padEnd: 0.3 }), 'mulaw', 8000)
    for (const c of chunks(ulaw, 8000, 100)) rt.send({ type: 'input_audio_buffer.append', audio: c.toString('base64') })
    rt.send({ type: 'input_audio_buffer.commit' })
    await until(() => events.some((e) => e.type === 'conversation.item.input_audio_transcription.completed'))
    rt.close()
    // committing an empty buffer is an error event, and the session goes on
    expect(errors.map((e) => e.error)).toEqual([expect.objectContaining({ type: 'invalid_request_error', code: 'input_audio_buffer_commit_empty' })])
    expect(events.some((e) => e.type === 'input_audio_buffer.speech_started')).toBe(false)
    const committed = events.find((e) => e.type === 'input_audio_buffer.committed')!
    const done = events.find((e) => e.type === 'conversation.item.input_audio_transcription.completed')!
    expect(done.item_id).toBe(committed.item_id)
    expect(words(done.transcript as string).length).toBeGreaterThan(4)
  })

  it('answers bad input with error events and keeps the session open', async () => {
    const c = new RawRealtimeClient(`${base.replace('https', 'wss')}/v1/realtime?intent=transcription`)
    await c.opened()
    await c.next((e) => e.type === 'session.created')
    const errorAfter = async (send: () => void) => {
      const from = c.events.length
      send()
      return (await c.next((e) => e.type === 'error', from)).error as Record<string, unknown>
    }
    expect(await errorAfter(() => c.send('{"type": "session.update", '))).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' })
    expect(await errorAfter(() => c.send({ type: 'response.create', event_id: 'evt_1' }))).toMatchObject({
      code: 'invalid_value',
      param: 'type',
      event_id: 'evt_1',
      message: expect.stringContaining('input_audio_buffer.append')
    })
    expect(await errorAfter(() => c.send([1, 2]))).toMatchObject({ param: 'type' })
    expect(await errorAfter(() => c.socket.send(Buffer.alloc(640)))).toMatchObject({ code: 'invalid_message', message: expect.stringMatching(/base64/) })
    expect(await errorAfter(() => c.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(3).toString('base64') }))).toMatchObject({
      code: 'odd_length',
      message: expect.stringMatching(/2-byte samples/)
    })
    expect(await errorAfter(() => c.send({ type: 'input_audio_buffer.append', audio: 'not base64!' }))).toMatchObject({ param: 'audio' })
    expect(
      await errorAfter(() =>
        c.send({ type: 'session.update', session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 12345 } } } } })
      )
    ).toMatchObject({ param: 'session.audio.input.format.rate', message: expect.stringMatching(/8000, 16000, 24000, 48000/) })
    expect(
      await errorAfter(() =>
        c.send({ type: 'session.update', session: { type: 'transcription', audio: { input: { turn_detection: { type: 'server_vad', threshold: 7 } } } } })
      )
    ).toMatchObject({ param: 'session.audio.input.turn_detection.threshold' })
    expect(await errorAfter(() => c.send({ type: 'session.update', session: { type: 'realtime' } }))).toMatchObject({ param: 'session.type' })
    expect(
      await errorAfter(() => c.send({ type: 'session.update', session: { type: 'transcription', audio: { input: { transcription: { model: 'whisper' } } } } }))
    ).toMatchObject({ type: 'invalid_request_error', code: 'engine_not_configured', message: expect.stringMatching(/WHISPER_MODEL_PATH/) })

    // after all that, the session still transcribes
    const pcm = await rawAudio(await synthesize(FIRST, { voice: 'slt', padStart: 0.3, padEnd: 0.3 }), 'pcm16', 16000)
    c.send({
      type: 'session.update',
      session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 16000 }, turn_detection: null } } }
    })
    c.send({ type: 'input_audio_buffer.append', audio: pcm.toString('base64') })
    c.send({ type: 'input_audio_buffer.commit' })
    const done = await c.next((e) => e.type === 'conversation.item.input_audio_transcription.completed')
    expect(words(done.transcript as string)).toEqual(words(FIRST))
    c.socket.close()
    expect((await c.closed).code).toBe(1005)
  })

  it('refuses an engine this server lacks, and another intent, before the upgrade in OpenAI’s error shape', async () => {
    const wss = base.replace('https', 'wss')
    const noEngine = await new RawRealtimeClient(`${wss}/v1/realtime?model=whisper`).opened().catch((e) => e)
    expect(noEngine.statusCode).toBe(400)
    const conversation = await new RawRealtimeClient(`${wss}/v1/realtime?intent=conversation`).opened().catch((e) => e)
    expect(conversation.statusCode).toBe(400)
  })

  it('a client that vanishes mid-stream leaves no stream behind, and others are still served', async () => {
    const gone = new RawRealtimeClient(`${base.replace('https', 'wss')}/v1/realtime`)
    await gone.opened()
    gone.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(48000).toString('base64') })
    await until(async () => (await activeStreams(t)) === 1)
    gone.socket.terminate()
    await until(async () => (await activeStreams(t)) === 0)

    const next = new RawRealtimeClient(`${base.replace('https', 'wss')}/v1/realtime`)
    await next.opened()
    expect((await next.next((e) => e.type === 'session.created')).session).toMatchObject({ type: 'transcription' })
    next.socket.close()
    await until(async () => (await activeStreams(t)) === 0)
  })
})

describe('/v1/realtime limits', () => {
  let t: TestApp
  let wss: string
  let headers: Record<string, string>

  beforeAll(async () => {
    const tls = await throwawayCertificate()
    t = await buildTestApp({
      env: {
        TLS_CERT_FILE: tls.cert,
        TLS_KEY_FILE: tls.key,
        STT_POOL_SIZE: '1',
        AUTH_MODE: 'required',
        STREAM_MAX_SESSIONS_PER_USER: '1',
        STREAM_IDLE_TIMEOUT_SECONDS: '1',
        STREAM_MAX_BUFFER_SECONDS: '4',
        STREAM_CONNECTS_PER_MINUTE: '6'
      }
    })
    wss = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('https', 'wss')
    headers = (await signUp(t.app)).headers
  })
  afterAll(async () => t.close())

  it('needs a token when AUTH_MODE=required, from the header or the subprotocol browsers use', async () => {
    const anonymous = await new RawRealtimeClient(`${wss}/v1/realtime`).opened().catch((e) => e)
    expect(anonymous.statusCode).toBe(401)
    const token = headers.authorization.replace('Bearer ', '')
    const viaProtocol = new (await import('ws')).default(`${wss}/v1/realtime`, ['realtime', `openai-insecure-api-key.${token}`], { rejectUnauthorized: false })
    await new Promise((resolve, reject) => {
      viaProtocol.once('open', resolve)
      viaProtocol.once('error', reject)
    })
    expect(viaProtocol.protocol).toBe('realtime')
    viaProtocol.close()
    await until(async () => (await activeStreams(t)) === 0)
  })

  it('closes a second stream of the same user with 1013, an idle one with 4000, one far ahead of real time with 4002', async () => {
    const first = new RawRealtimeClient(`${wss}/v1/realtime`, headers)
    await first.opened()
    const second = new RawRealtimeClient(`${wss}/v1/realtime`, headers)
    await second.opened()
    expect(await second.closed).toMatchObject({ code: 1013 })
    expect(second.events[0]).toMatchObject({ type: 'error', error: { code: 'too_many_sessions', message: expect.stringMatching(/already have 1/) } })

    // the first, left without audio, times out
    expect(await first.closed).toMatchObject({ code: 4000 })
    expect(first.events.at(-1)).toMatchObject({ type: 'error', error: { code: 'idle_timeout' } })

    const fast = new RawRealtimeClient(`${wss}/v1/realtime`, headers)
    await fast.opened()
    // ten seconds of 24 kHz audio in one go, with 4 s allowed ahead of real time
    fast.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(480_000).toString('base64') })
    expect(await fast.closed).toMatchObject({ code: 4002 })
    expect(fast.events.at(-1)).toMatchObject({ error: { code: 'buffer_overflow', message: expect.stringMatching(/ahead of real time/) } })
    await until(async () => (await activeStreams(t)) === 0)
  })

  it('limits new streams per minute with a 429 on the upgrade', async () => {
    let status = 0
    for (let i = 0; i < 10 && status !== 429; i++) {
      const c = new RawRealtimeClient(`${wss}/v1/realtime`, headers)
      status = await c.opened().then(
        () => (c.socket.close(), 101),
        (e) => e.statusCode
      )
      await c.closed.catch(() => undefined)
    }
    expect(status).toBe(429)
  })
})
