import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { audioFormat, DEFAULT_TURN_DETECTION, type StreamEvent } from '../../src/streaming/index.js'
import { synthesize } from '../fixtures/speech.js'
import { chunks, rawAudio, words } from './audio.js'

const SENTENCE = 'thank you very much for your help today'

describe('a recorded stream becomes a call record', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', STREAM_MAX_BUFFER_SECONDS: '60' } })
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

    let record: { status: string; transcript?: string; duration?: number } = { status: 'queued' }
    while (record.status === 'queued' || record.status === 'processing') {
      await sleep(100)
      record = (await t.app.inject({ url: `/api/calls/${id}`, headers: user.headers })).json().data
    }
    expect(record.status).toBe('completed')
    expect(words(record.transcript!)).toEqual(words(SENTENCE))
    expect(record.duration).toBeCloseTo(pcm.length / 32000, 0)
    // it is this user's record, not anyone's
    const other = await signUp(t.app)
    expect((await t.app.inject({ url: `/api/calls/${id}`, headers: other.headers })).statusCode).toBe(404)
  })
})
