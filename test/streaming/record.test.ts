import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { audioFormat, DEFAULT_TURN_DETECTION, type StreamEvent } from '../../src/streaming/index.js'
import { synthesize } from '../fixtures/speech.js'
import { chunks, rawAudio, words } from './audio.js'
import { wordErrorRate } from '../../src/stt/wer.js'

const SENTENCE = 'thank you very much for your help today'

type User = Awaited<ReturnType<typeof signUp>>

/** Waits for the record's pipeline, then returns the record as its owner reads it. */
async function completed(t: TestApp, id: string, user: User): Promise<{ status: string; transcript?: string; duration?: number }> {
  let record: { status: string; transcript?: string; duration?: number } = { status: 'queued' }
  while (record.status === 'queued' || record.status === 'processing') {
    await sleep(100)
    record = (await t.app.inject({ url: `/api/calls/${id}`, headers: user.headers })).json().data
  }
  return record
}

/** Every JSON message a socket receives until it closes. */
function messages(ws: WebSocket): Promise<Array<Record<string, unknown>>> {
  const seen: Array<Record<string, unknown>> = []
  ws.on('message', (data) => seen.push(JSON.parse(data.toString())))
  return new Promise((resolve, reject) => {
    ws.on('error', reject)
    ws.on('close', () => resolve(seen))
  })
}

const opened = (ws: WebSocket) => new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))

describe('a recorded stream becomes a call record', () => {
  let t: TestApp
  let wsBase: string

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', STREAM_MAX_BUFFER_SECONDS: '60' } })
    wsBase = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  })
  afterAll(async () => t.close())

  it("the closed event names the record, which the pipeline completes in the user's records", async () => {
    const user = await signUp(t.app)
    const pcm = await rawAudio(await synthesize(SENTENCE, { voice: 'slt', padStart: 0.4, padEnd: 0.8 }), 'pcm16', 16000)
    const session = await t.app.streaming.hub.open({
      protocol: 'test',
      owner: `user:${user.userId}`,
      record: true,
      format: audioFormat('pcm16', 16000),
      turnDetection: DEFAULT_TURN_DETECTION
    })
    const events: StreamEvent[] = []
    const done = (async () => {
      for await (const e of session) events.push(e)
    })()
    for (const c of chunks(pcm, 32000, 100)) session.write(c)
    await session.end()
    await done
    const closed = events.at(-1)!
    expect(closed).toMatchObject({ type: 'closed', reason: 'finished', recordId: expect.any(String) })
    const id = (closed as { recordId: string }).recordId

    const record = await completed(t, id, user)
    expect(record.status).toBe('completed')
    expect(words(record.transcript!)).toEqual(words(SENTENCE))
    expect(record.duration).toBeCloseTo(pcm.length / 32000, 0)
    // it is this user's record, not anyone's
    const other = await signUp(t.app)
    expect((await t.app.inject({ url: `/api/calls/${id}`, headers: other.headers })).statusCode).toBe(404)
  })

  it('over Deepgram live (?record=true): the Metadata after CloseStream names the record', async () => {
    const user = await signUp(t.app)
    const pcm = await rawAudio(await synthesize(SENTENCE, { voice: 'slt', padStart: 0.4, padEnd: 0.8 }), 'pcm16', 16000)
    const ws = new WebSocket(`${wsBase}/v1/listen?encoding=linear16&sample_rate=16000&record=true`, { headers: user.headers })
    const seen = messages(ws)
    await opened(ws)
    for (const c of chunks(pcm, 32000, 100)) ws.send(c)
    ws.send(JSON.stringify({ type: 'CloseStream' }))
    const metadata = (await seen).find((m) => m.type === 'Metadata')
    expect(metadata).toMatchObject({ record_id: expect.any(String) })
    const record = await completed(t, metadata!.record_id as string, user)
    expect(record.status).toBe('completed')
    // the record holds this stream's speech (the pipeline's own accuracy is tested elsewhere)
    expect(wordErrorRate(SENTENCE, record.transcript!), record.transcript).toBeLessThanOrEqual(0.25)
  })

  it('over OpenAI Realtime (?record=true): voxlens.stream.end ends the stream and voxlens.stream.recorded names the record', async () => {
    const user = await signUp(t.app)
    const pcm = await rawAudio(await synthesize(SENTENCE, { voice: 'awb', padStart: 0.4, padEnd: 0.8 }), 'pcm16', 24000)
    const ws = new WebSocket(`${wsBase}/v1/realtime?intent=transcription&record=true`, { headers: user.headers })
    const seen = messages(ws)
    await opened(ws)
    for (const c of chunks(pcm, 48000, 100)) ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: c.toString('base64') }))
    ws.send(JSON.stringify({ type: 'voxlens.stream.end' }))
    const events = await seen
    const transcripts = events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed')
    expect(transcripts.length).toBeGreaterThan(0)
    const recorded = events.find((e) => e.type === 'voxlens.stream.recorded')
    expect(recorded).toMatchObject({ record_id: expect.any(String) })
    // it comes after the transcripts: the stream is over when the client learns its record
    expect(events.indexOf(recorded!)).toBeGreaterThan(events.indexOf(transcripts.at(-1)!))
    const record = await completed(t, recorded!.record_id as string, user)
    expect(record.status).toBe('completed')
    expect(wordErrorRate(SENTENCE, record.transcript!), record.transcript).toBeLessThanOrEqual(0.25)
  })
})
