import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSphinxEngine } from '../../src/stt/sphinx/index.js'
import type { SttEngine } from '../../src/stt/types.js'
import { audioFormat, createStreamingHub, DEFAULT_TURN_DETECTION, type StreamEvent } from '../../src/streaming/index.js'
import { synthesize } from '../fixtures/speech.js'
import { chunks, rawAudio, words } from './audio.js'

const SENTENCE = 'thank you very much for your help today'

/** Seconds from the start to the first and to the last sample that is not exactly zero. */
function soundBetween(pcm: Buffer): { first: number; last: number } {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2)
  const first = samples.findIndex((s) => s !== 0)
  const last = samples.findLastIndex((s) => s !== 0)
  return { first: first / 16000, last: (last + 1) / 16000 }
}

describe('streaming core: silence around speech (a muted microphone, silence suppression on a phone line, a faint line)', () => {
  let sphinx: SttEngine

  beforeAll(async () => {
    sphinx = createSphinxEngine({ poolSize: 1 })
    await sphinx.warm!()
  })
  afterAll(async () => sphinx.close())

  async function stream(pcm: Buffer): Promise<StreamEvent[]> {
    const hub = createStreamingHub({
      speech: { resolve: () => sphinx },
      limits: { maxSessionSeconds: 60, maxBufferedSeconds: 60, idleTimeoutSeconds: 60, maxUtteranceSeconds: 30, maxSessionsPerUser: 1, maxSessions: 1 }
    })
    const session = await hub.open({
      protocol: 'test',
      owner: 'u',
      format: audioFormat('pcm16', 16000),
      turnDetection: DEFAULT_TURN_DETECTION,
      partials: false
    })
    const events: StreamEvent[] = []
    const done = (async () => {
      for await (const e of session) events.push(e)
    })()
    for (const c of chunks(pcm, 32000)) session.write(c)
    await session.end()
    await done
    return events
  }

  it('keeps the zeros out of the utterance: the final spans the sound alone and its words sit on the stream clock', async () => {
    const wav = await synthesize(SENTENCE, { voice: 'slt', padStart: 1, padEnd: 1 })
    const pcm = await rawAudio(wav, 'pcm16', 16000)
    const sound = soundBetween(pcm)
    const events = await stream(pcm)

    const finals = events.filter((e) => e.type === 'final')
    expect(finals.map((f) => words(f.text))).toEqual([words(SENTENCE)])
    const [final] = finals
    // the prefix padding and the closing silence would otherwise add 0.36 s before and 0.5 s after
    expect(final.start).toBeGreaterThanOrEqual(sound.first - 0.02)
    expect(final.end).toBeLessThanOrEqual(sound.last + 0.02)
    expect(final.words[0].start).toBeGreaterThanOrEqual(sound.first)
    expect(final.words.at(-1)!.end).toBeLessThanOrEqual(sound.last + 0.02)
    // the endpointer still hears the whole silence: speech stops half a second after the sound does
    const stopped = events.find((e) => e.type === 'speech_stopped')
    expect(stopped).toMatchObject({ at: expect.closeTo(sound.last + 0.5, 0) })
  })

  it('sends only the start of a faint closing hiss: the final ends a fifth of a second after the sound, not at the endpoint', async () => {
    const speech = await rawAudio(await synthesize(SENTENCE, { voice: 'slt', padStart: 1 }), 'pcm16', 16000)
    // where the voice fades out (flite leaves quiet samples after it)
    const samples = new Int16Array(speech.buffer, speech.byteOffset, speech.length / 2)
    const voiceEnd = (samples.findLastIndex((s) => Math.abs(s) > 300) + 1) / 16000
    const hiss = Buffer.alloc(32000)
    for (let i = 0; i < hiss.length; i += 2) hiss.writeInt16LE(Math.round((Math.random() - 0.5) * 64), i)
    const events = await stream(Buffer.concat([speech, hiss]))

    const finals = events.filter((e) => e.type === 'final')
    expect(finals.map((f) => words(f.text))).toEqual([words(SENTENCE)])
    expect(finals[0].end).toBeLessThan(voiceEnd + 0.3)
    const stopped = events.find((e) => e.type === 'speech_stopped')
    expect(stopped!.at).toBeGreaterThan(voiceEnd + 0.45)
  })
})
