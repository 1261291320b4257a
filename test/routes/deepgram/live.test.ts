import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import WebSocket from 'ws'
import { DeepgramClient } from '@deepgram/sdk'
import { buildTestApp, signUp, type TestApp } from '../../helpers/app.js'
import { concatWavs, makeNoise, synthesize } from '../../fixtures/speech.js'
import { normalizeWords } from '../../../src/stt/wer.js'

const run = promisify(execFile)
const FIRST = 'I would like to buy the premium plan for my company'
const SECOND = 'Please send the invoice to my office'

/** The PCM16 samples of a 16-bit WAV, without its header. */
function pcmOf(path: string): Buffer {
  const wav = readFileSync(path)
  const data = wav.indexOf('data', 12)
  return wav.subarray(data + 8, data + 8 + wav.readUInt32LE(data + 4))
}

/** Sends audio in 20 ms frames at real-time pace, as a microphone or a phone bridge would. */
async function playInto(send: (frame: Buffer) => void, pcm: Buffer, frameBytes: number) {
  const t0 = performance.now()
  for (let i = 0, n = 0; i < pcm.length; i += frameBytes, n++) {
    send(pcm.subarray(i, i + frameBytes))
    const due = t0 + (n + 1) * 20 - performance.now()
    if (due > 0) await new Promise((r) => setTimeout(r, due))
  }
}

describe('Deepgram-compatible live /v1/listen', () => {
  let t: TestApp
  let base: string
  let twoTurns: Buffer

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const path = await concatWavs(
      [await makeNoise(0.5), await synthesize(FIRST, { voice: 'slt' }), await makeNoise(1.2), await synthesize(SECOND, { voice: 'rms' }), await makeNoise(1.5)],
      'deepgram-live-two-turns'
    )
    twoTurns = pcmOf(path)
  })
  afterAll(async () => t.close())

  it('streams interim and final results to the official SDK, then Metadata on CloseStream', async () => {
    const client = new DeepgramClient({
      apiKey: 'dg-local',
      environment: { base, production: base.replace('http', 'ws'), agent: base, agentRest: base }
    } as never)
    const socket = await client.listen.v1.connect({
      model: 'nova-3',
      encoding: 'linear16',
      sample_rate: 16000,
      channels: 1,
      interim_results: true,
      endpointing: 400,
      utterance_end_ms: 1000,
      vad_events: true,
      punctuate: true,
      reconnectAttempts: 0
    } as never)
    const messages: any[] = []
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (e: any) => resolve({ code: e.code, reason: e.reason })))
    socket.on('message', (m: any) => messages.push(m))
    socket.connect()
    await socket.waitForOpen()
    await playInto((frame) => socket.sendMedia(frame), twoTurns, 640)
    socket.sendCloseStream({ type: 'CloseStream' })
    const close = await closed

    const interim = messages.filter((m) => m.type === 'Results' && !m.is_final)
    const finals = messages.filter((m) => m.type === 'Results' && m.is_final && m.channel.alternatives[0].transcript)
    expect(interim.length).toBeGreaterThan(0)
    // Partials are guesses while the speaker talks: they hold spoken words, though not always the final ones.
    const spoken = normalizeWords(`${FIRST} ${SECOND}`)
    expect(interim.some((m) => normalizeWords(m.channel.alternatives[0].transcript).some((w) => spoken.includes(w)))).toBe(true)
    // Each interim word is placed in time, inside its Results' span, and spells out the interim transcript.
    for (const m of interim) {
      const { transcript, words } = m.channel.alternatives[0]
      expect(normalizeWords(words.map((w: { word: string }) => w.word).join(' '))).toEqual(normalizeWords(transcript))
      for (const w of words) {
        expect(w.start).toBeGreaterThanOrEqual(m.start - 0.01)
        expect(w.end).toBeLessThanOrEqual(m.start + m.duration + 0.01)
        expect(w.end).toBeGreaterThan(w.start)
      }
    }
    expect(interim.some((m) => m.channel.alternatives[0].words.length > 0)).toBe(true)

    expect(finals.length).toBe(2)
    expect(normalizeWords(finals[0].channel.alternatives[0].transcript)).toEqual(normalizeWords(FIRST))
    expect(normalizeWords(finals[1].channel.alternatives[0].transcript)).toContain('invoice')
    // The speaker stopped: endpointing ended both utterances, not the close.
    expect(finals.map((f) => f.speech_final)).toEqual([true, true])
    const words = finals[0].channel.alternatives[0].words
    expect(words[0]).toMatchObject({ word: 'i', punctuated_word: 'I', confidence: expect.any(Number) })
    expect(words[0].start).toBeGreaterThan(0.3)
    expect(words.at(-1).end).toBeLessThan(finals[1].start)
    // Times are from the stream start: the second turn starts after the first and its 1.2 s pause.
    expect(finals[1].start).toBeGreaterThan(words.at(-1).end + 0.8)

    expect(messages.filter((m) => m.type === 'SpeechStarted').length).toBe(2)
    const ends = messages.filter((m) => m.type === 'UtteranceEnd')
    expect(ends.length).toBeGreaterThanOrEqual(1)
    expect(ends[0].last_word_end).toBeCloseTo(words.at(-1).end, 2)

    const metadata = messages.at(-1)
    expect(metadata).toMatchObject({ type: 'Metadata', request_id: expect.any(String), channels: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(metadata.duration).toBeCloseTo(twoTurns.length / 32000, 1)
    expect(close.code).toBe(1000)
  })

  it('finalizes on Finalize with from_finalize, and transcribes mulaw 8 kHz', async () => {
    const wav = await synthesize(FIRST, { voice: 'slt', padStart: 0.3 })
    const { stdout } = await run('sox', [wav, '-t', 'raw', '-r', '8000', '-e', 'mu-law', '-b', '8', '-c', '1', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 })
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/listen?encoding=mulaw&sample_rate=8000&endpointing=false`, {
      headers: { authorization: 'Token dg-local' }
    })
    const messages: any[] = []
    ws.on('message', (m) => messages.push(JSON.parse(m.toString())))
    await new Promise((r) => ws.once('open', r))
    await playInto((frame) => ws.send(frame), stdout, 160)
    ws.send(JSON.stringify({ type: 'Finalize' }))
    // The final answers the Finalize; a stream that closes instead fails here rather than at the timeout.
    await new Promise<void>((resolve, reject) => {
      const check = () =>
        messages.some((m) => m.is_final) ? resolve() : ws.readyState !== ws.OPEN ? reject(new Error('closed before the final')) : setTimeout(check, 50)
      check()
    })
    const final = messages.find((m) => m.is_final)
    expect(final).toMatchObject({ from_finalize: true, speech_final: false })
    expect(normalizeWords(final.channel.alternatives[0].transcript)).toContain('premium')
    ws.send(JSON.stringify({ type: 'CloseStream' }))
    const [code] = await new Promise<[number]>((r) => ws.once('close', (c) => r([c])))
    expect(code).toBe(1000)
  })

  it('refuses a bad encoding, sample rate or channel count at the handshake with a Deepgram error body', async () => {
    for (const [query, pattern] of [
      ['encoding=opus', /linear16.*mulaw/],
      ['encoding=linear16&sample_rate=12345', /12345 Hz/],
      ['encoding=mulaw&sample_rate=16000', /8000 Hz/],
      ['channels=2', /mono/]
    ] as const) {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/listen?${query}`)
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        ws.on('unexpected-response', (_req, r) => {
          let body = ''
          r.on('data', (c) => (body += c))
          r.on('end', () => resolve({ status: r.statusCode!, body }))
        })
        ws.on('open', () => reject(new Error(`${query} was accepted`)))
      })
      expect(res.status).toBe(400)
      const body = JSON.parse(res.body)
      expect(body).toMatchObject({ err_code: expect.any(String), request_id: expect.any(String) })
      expect(body.err_msg).toMatch(pattern)
    }
  })

  it('closes with 1008 for a text frame that is not a control message, and for audio after CloseStream', async () => {
    const open = async () => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/listen?encoding=linear16&sample_rate=16000`)
      const messages: any[] = []
      ws.on('message', (m) => messages.push(JSON.parse(m.toString())))
      const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })))
      await new Promise((r) => ws.once('open', r))
      return { ws, messages, closed }
    }
    const garbage = await open()
    garbage.ws.send('{"type": "Transcribe"}')
    expect(await garbage.closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/unknown control message "Transcribe"/) })
    expect(garbage.messages.at(-1).type).toBe('Metadata')

    const late = await open()
    late.ws.send(Buffer.alloc(3200))
    late.ws.send(JSON.stringify({ type: 'CloseStream' }))
    late.ws.send(Buffer.alloc(3200))
    expect(await late.closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/after CloseStream/) })

    // Odd-length frames are a byte stream: the odd byte joins the next frame instead of being refused.
    const odd = await open()
    odd.ws.send(Buffer.alloc(321))
    odd.ws.send(Buffer.alloc(319))
    odd.ws.send(JSON.stringify({ type: 'CloseStream' }))
    expect((await odd.closed).code).toBe(1000)
    expect(odd.messages.at(-1)).toMatchObject({ type: 'Metadata', duration: 0.02 })
  })
})

describe('Deepgram live limits', () => {
  let t: TestApp
  let wsBase: string
  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', STREAM_IDLE_TIMEOUT_SECONDS: '1' } })
    wsBase = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  })
  afterAll(async () => t.close())

  const until = async (done: () => boolean) => {
    while (!done()) await new Promise((r) => setTimeout(r, 50))
  }

  it('closes an idle stream with 1011 NET-0001 after its Metadata, as Deepgram does', async () => {
    const ws = new WebSocket(`${wsBase}/v1/listen`)
    const messages: any[] = []
    ws.on('message', (m) => messages.push(JSON.parse(m.toString())))
    const closed = await new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })))
    expect(closed).toMatchObject({ code: 1011, reason: expect.stringMatching(/^NET-0001: No audio or keep-alive/) })
    expect(messages.at(-1).type).toBe('Metadata')
    expect(t.app.streaming.hub.active).toBe(0)
  })

  it('frees the stream of a client that vanishes without closing, not at its idle timeout', async () => {
    const closedBy = async (reason: string) => {
      const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
      const line = text.split('\n').find((l) => l.startsWith(`voxlens_stream_sessions_closed_total{protocol="deepgram",reason="${reason}"}`))
      return Number(line?.split(' ').at(-1) ?? 0)
    }
    const [idleBefore, finishedBefore] = [await closedBy('idle_timeout'), await closedBy('finished')]
    const ws = new WebSocket(`${wsBase}/v1/listen?interim_results=true`)
    await new Promise((r) => ws.once('open', r))
    for (let i = 0; i < 10; i++) ws.send(Buffer.alloc(640))
    await until(() => t.app.streaming.hub.active === 1)
    ws.terminate()
    await until(() => t.app.streaming.hub.active === 0)
    expect(await closedBy('finished')).toBe(finishedBefore + 1)
    expect(await closedBy('idle_timeout')).toBe(idleBefore)
  })

  it("takes a browser's key from the subprotocols `token, <key>` and answers with the `token` subprotocol", async () => {
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${wsBase}/v1/listen`, ['token', 'vxk_not_a_real_key'])
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!))
      ws.on('open', () => reject(new Error('a forged key was accepted')))
    })
    expect(refused).toBe(401)

    const user = await signUp(t.app)
    const key = (await t.app.inject({ method: 'POST', url: '/api/auth/keys', headers: user.headers, payload: { name: 'browser' } })).json().data.key
    const ws = new WebSocket(`${wsBase}/v1/listen`, ['token', key])
    await new Promise((r) => ws.once('open', r))
    expect(ws.protocol).toBe('token')
    ws.send(JSON.stringify({ type: 'CloseStream' }))
    expect(await new Promise((r) => ws.once('close', r))).toBe(1000)
  })
})
