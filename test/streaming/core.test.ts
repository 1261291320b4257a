import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Registry } from 'prom-client'
import { createSphinxEngine } from '../../src/stt/sphinx/index.js'
import type { SttEngine } from '../../src/stt/types.js'
import {
  audioFormat,
  createStreamingHub,
  createStreamingMetrics,
  DEFAULT_TURN_DETECTION,
  StreamError,
  type StreamEvent,
  type StreamLimits,
  type StreamSession
} from '../../src/streaming/index.js'
import { wordErrorRate } from '../../src/stt/wer.js'
import { synthesize } from '../fixtures/speech.js'
import { chunks, rawAudio, twoUtterances, words } from './audio.js'

const FIRST = 'I would like to buy the premium plan for my company'
const SECOND = 'thank you very much for your help today'

const limits: StreamLimits = {
  maxSessionSeconds: 600,
  maxBufferedSeconds: 1000,
  idleTimeoutSeconds: 60,
  maxUtteranceSeconds: 30,
  maxSessionsPerUser: 3,
  maxSessions: 10
}

async function collect(session: StreamSession, events: StreamEvent[] = []): Promise<StreamEvent[]> {
  for await (const e of session) events.push(e)
  return events
}

/** Polls until `seen` holds or `ms` pass. */
async function waitFor(seen: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!seen() && Date.now() < deadline) await sleep(50)
}

describe('streaming core', () => {
  let sphinx: SttEngine
  /** sphinx seen as an engine that only transcribes whole clips, as whisper and the cloud engines do */
  let wholeClip: SttEngine
  let registry: Registry

  const hubWith = (l: Partial<StreamLimits> = {}) => {
    registry = new Registry()
    const engines = new Map([
      ['sphinx', sphinx],
      ['clip', wholeClip]
    ])
    return createStreamingHub({
      speech: {
        resolve: (name) => {
          const e = engines.get(name ?? 'sphinx')
          if (!e) throw new StreamError('unknown_engine', `Unknown engine "${name}"`)
          return e
        }
      },
      limits: { ...limits, ...l },
      metrics: createStreamingMetrics(registry)
    })
  }
  const gauge = async () => (await registry.getSingleMetric('voxlens_stream_sessions_active')!.get()).values.reduce((s, v) => s + v.value, 0)

  beforeAll(async () => {
    sphinx = createSphinxEngine({ poolSize: 2 })
    await sphinx.warm!()
    wholeClip = { name: 'clip', available: () => sphinx.available(), transcribe: (a, o) => sphinx.transcribe(a, o), close: async () => undefined }
  })
  afterAll(async () => sphinx.close())

  it('streams 16 kHz PCM16 with server VAD: speech started, partials, speech stopped, a final per utterance with stream times', async () => {
    const wav = await twoUtterances(FIRST, SECOND)
    const pcm = await rawAudio(wav, 'pcm16', 16000)
    const hub = hubWith()
    const session = await hub.open({ protocol: 'test', owner: 'u1', format: audioFormat('pcm16', 16000), turnDetection: DEFAULT_TURN_DETECTION })
    expect(session.partials).toBe(true)
    const events: StreamEvent[] = []
    const done = collect(session, events)
    // At the pace of speech, so partials arrive while the utterance goes on. Two seconds in, the first
    // sentence is still being spoken; there the audio holds until a partial shows, as a client's network
    // might stall: the stream's first decoder loads its model meanwhile, which on a loaded machine can
    // outlast the whole sentence, and a partial that comes after its utterance ended is never sent.
    const twoSeconds = 2000 / 20
    for (const [i, c] of chunks(pcm, 32000).entries()) {
      if (i === twoSeconds) await waitFor(() => events.some((e) => e.type === 'partial'), 30_000)
      session.write(c)
      await sleep(20)
    }
    await session.end()
    await done

    const finals = events.filter((e) => e.type === 'final')
    expect(finals.map((f) => words(f.text))).toEqual([words(FIRST), words(SECOND)])
    expect(finals.map((f) => f.cause)).toEqual(['endpoint', 'endpoint'])
    const types = events.map((e) => e.type)
    expect(types.filter((t) => t === 'speech_started')).toHaveLength(2)
    expect(types.filter((t) => t === 'speech_stopped')).toHaveLength(2)
    // partials come while the speaker talks (a loaded machine may drop those that arrive after the endpoint)
    const partials = events.filter((e) => e.type === 'partial')
    expect(partials.length).toBeGreaterThan(0)
    expect(partials.every((p) => p.text.length > 0 && p.end > p.start)).toBe(true)
    // the second utterance's words sit after the first's on the stream's clock, past the pause
    const [a, b] = finals
    expect(b.words[0].start).toBeGreaterThan(a.words.at(-1)!.end + 1)
    expect(b.start).toBeGreaterThan(a.end)
    for (const w of [...a.words, ...b.words]) {
      expect(w.end).toBeGreaterThan(w.start)
      expect(w.confidence).toBeGreaterThan(0)
    }
    const closed = events.at(-1)!
    expect(closed).toMatchObject({ type: 'closed', reason: 'finished', closeCode: 1000 })
    expect(await gauge()).toBe(0)
  })

  it.each([
    ['mulaw', 8000],
    ['pcm16', 8000],
    ['pcm16', 24000],
    ['pcm16', 48000]
  ] as const)('takes %s at %i Hz', async (encoding, rate) => {
    const wav = await synthesize(SECOND, { voice: 'slt', padStart: 0.4, padEnd: 0.8 })
    const bytes = await rawAudio(wav, encoding, rate)
    const session = await hubWith().open({ protocol: 'test', owner: 'u1', format: audioFormat(encoding, rate), turnDetection: DEFAULT_TURN_DETECTION })
    const done = collect(session)
    for (const c of chunks(bytes, rate * (encoding === 'pcm16' ? 2 : 1), 40)) session.write(c)
    await session.end()
    const finals = (await done).filter((e) => e.type === 'final')
    expect(finals).toHaveLength(1)
    // telephone-band audio loses what lies above 4 kHz: most words, not all, survive it
    expect(wordErrorRate(SECOND, finals[0].text)).toBeLessThanOrEqual(rate === 8000 ? 0.3 : 0)
    // the first word starts near where the speech does in the file (0.4 s of silence first)
    expect(finals[0].words[0].start).toBeGreaterThan(0.2)
    expect(finals[0].words[0].start).toBeLessThan(0.9)
  })

  it('without turn detection, utterances end only when the client commits (finals straight from the live decoder)', async () => {
    const wav = await twoUtterances(FIRST, SECOND)
    const pcm = await rawAudio(wav, 'pcm16', 16000)
    const session = await hubWith().open({ protocol: 'test', owner: 'u1', format: audioFormat('pcm16', 16000), turnDetection: null, liveFinals: true })
    const done = collect(session)
    expect(session.commit()).toBeNull()
    for (const c of chunks(pcm, 32000)) session.write(c)
    const committed = session.commit()
    expect(committed).toMatchObject({ utterance: 0, start: 0 })
    expect(committed!.end).toBeCloseTo(pcm.length / 32000, 1)
    await session.end()
    const events = await done
    expect(events.some((e) => e.type === 'speech_started')).toBe(false)
    const finals = events.filter((e) => e.type === 'final')
    expect(finals).toHaveLength(1)
    expect(finals[0].cause).toBe('commit')
    expect(words(finals[0].text)).toEqual([...words(FIRST), ...words(SECOND)])
  })

  it('an engine that transcribes whole clips gives no partials and one final per endpointed utterance', async () => {
    const wav = await twoUtterances(FIRST, SECOND)
    const pcm = await rawAudio(wav, 'pcm16', 16000)
    const session = await hubWith().open({
      protocol: 'test',
      owner: 'u1',
      engine: 'clip',
      format: audioFormat('pcm16', 16000),
      turnDetection: DEFAULT_TURN_DETECTION
    })
    expect(session.partials).toBe(false)
    const done = collect(session)
    for (const c of chunks(pcm, 32000)) session.write(c)
    await session.end()
    const events = await done
    expect(events.some((e) => e.type === 'partial')).toBe(false)
    expect(events.filter((e) => e.type === 'final').map((f) => words(f.text))).toEqual([words(FIRST), words(SECOND)])
  })

  it('clear drops the audio so far; odd-length PCM and unknown formats are refused without ending the stream', async () => {
    const wav = await synthesize(FIRST, { voice: 'slt', padStart: 0.4, padEnd: 0.8 })
    const pcm = await rawAudio(wav, 'pcm16', 16000)
    expect(() => audioFormat('pcm16', 44100)).toThrow(/8000, 16000, 24000, 48000/)
    expect(() => audioFormat('mulaw', 16000)).toThrow(/8000 Hz/)
    expect(() => audioFormat('opus', 16000)).toThrow(/pcm16.*mulaw/)
    const session = await hubWith().open({ protocol: 'test', owner: 'u1', format: audioFormat('pcm16', 16000), turnDetection: null })
    const done = collect(session)
    session.write(pcm.subarray(0, 16000))
    session.clear()
    expect(() => session.write(new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'odd_length' }))
    for (const c of chunks(pcm, 32000)) session.write(c)
    session.commit()
    await session.end()
    expect(() => session.write(new Uint8Array(2))).toThrow(expect.objectContaining({ code: 'session_closed' }))
    const finals = (await done).filter((e) => e.type === 'final')
    expect(finals.map((f) => words(f.text))).toEqual([words(FIRST)])
    expect(finals[0].words[0].start).toBeGreaterThan(0.5 + 0.2)
  })

  it('refuses streams beyond the per-user and per-process limits, and counts them down when they close', async () => {
    const hub = hubWith({ maxSessionsPerUser: 2, maxSessions: 3 })
    const open = (owner: string) => hub.open({ protocol: 'test', owner, format: audioFormat('pcm16', 16000), turnDetection: null })
    const a = await open('u1')
    await open('u1')
    await expect(open('u1')).rejects.toMatchObject({ code: 'too_many_sessions', closeCode: 1013, message: expect.stringMatching(/already have 2/) })
    const c = await open('u2')
    await expect(open('u3')).rejects.toMatchObject({ code: 'too_many_sessions', message: expect.stringMatching(/limit of 3/) })
    expect(await gauge()).toBe(3)
    a.abort()
    await open('u1')
    c.abort()
    expect(hub.active).toBe(2)
    await hub.close()
    expect(hub.active).toBe(0)
    expect(await gauge()).toBe(0)
    await expect(open('u1')).rejects.toMatchObject({ closeCode: 1001 })
  })

  it('ends an idle stream, a stream past its longest length, and one that runs too far ahead of real time, each with its reason', async () => {
    const idle = await hubWith({ idleTimeoutSeconds: 0.3 }).open({ protocol: 'test', owner: 'u', format: audioFormat('pcm16', 16000), turnDetection: null })
    const idleEvents = await collect(idle)
    expect(idleEvents.at(-1)).toMatchObject({ type: 'closed', reason: 'idle_timeout', closeCode: 4000, message: expect.stringMatching(/keep-alive/) })

    const long = await hubWith({ maxSessionSeconds: 0.4, idleTimeoutSeconds: 0.1 }).open({
      protocol: 'test',
      owner: 'u',
      format: audioFormat('pcm16', 16000),
      turnDetection: null
    })
    const keepAlive = setInterval(() => long.keepAlive(), 20)
    const longEvents = await collect(long)
    clearInterval(keepAlive)
    expect(longEvents.at(-1)).toMatchObject({ type: 'closed', reason: 'max_duration', closeCode: 4001 })

    const fast = await hubWith({ maxBufferedSeconds: 2 }).open({ protocol: 'test', owner: 'u', format: audioFormat('pcm16', 16000), turnDetection: null })
    const fastDone = collect(fast)
    // 1.5 s at once is past half the allowance: the caller is asked to wait
    expect(fast.write(new Uint8Array(48000))).toBeGreaterThan(0)
    fast.write(new Uint8Array(32000))
    const fastEvents = await fastDone
    expect(fastEvents.at(-1)).toMatchObject({
      type: 'closed',
      reason: 'buffer_overflow',
      closeCode: 4002,
      message: expect.stringMatching(/ahead of real time/)
    })
    expect(await gauge()).toBe(0)
  })
})
