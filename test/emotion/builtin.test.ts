import { afterAll, describe, expect, it } from 'vitest'
import { createBuiltinEmotion, type EmotionLabel } from '../../src/emotion/index.js'
import { conversation, spoken } from './audio.js'

const engine = createBuiltinEmotion()
afterAll(() => engine.close())

const cases: [string, EmotionLabel[], string?][] = [
  ['thank you so much, this is wonderful, i am really happy', ['happy', 'satisfied'], 'POSITIVE'],
  ['this is ridiculous, i have called five times and nobody fixed it, i am furious', ['angry', 'frustrated'], 'NEGATIVE'],
  ["sorry, i don't understand, what do you mean, how does that work?", ['confused']],
  ['the meeting is scheduled for tuesday at three in the afternoon', ['neutral'], 'NEUTRAL'],
  ['i am so sad, my dog died yesterday', ['sad'], 'NEGATIVE']
]

describe('built-in emotion engine on synthesized speech', () => {
  it('is always available', async () => {
    expect(await engine.available()).toEqual({ ok: true })
  })

  it.each(cases)('%s', async (text, labels, sentiment) => {
    for (const voice of ['rms', 'slt'] as const) {
      const { audio, utterance } = await spoken(text, { voice })
      const { utterances, overall } = await engine.analyze(audio, [utterance])
      expect(labels).toContain(utterances[0].emotion)
      if (sentiment) expect(utterances[0].sentiment).toBe(sentiment)
      expect(utterances[0].confidence).toBeGreaterThan(0.3)
      expect(utterances[0].confidence).toBeLessThan(0.9)
      expect(utterances[0].cues.pitchHz).toBeGreaterThan(60)
      expect(overall.emotion).toBe(utterances[0].emotion)
    }
  })

  it('weights the overall result and each speaker by duration', async () => {
    const happy = await spoken('thank you so much, this is wonderful, everything works now and i am really happy with it', { voice: 'slt' }, 'caller')
    const angry = await spoken('i am furious', { voice: 'rms' }, 'agent')
    const { audio, utterances } = conversation([happy, angry])
    const result = await engine.analyze(audio, utterances)
    expect(result.utterances.map((u) => u.emotion)).toEqual(['happy', 'angry'])
    expect(result.overall.emotion).toBe('happy')
    expect(result.overall.sentiment).toBe('POSITIVE')
    expect(result.bySpeaker.agent.emotion).toBe('angry')
    expect(result.bySpeaker.caller.emotion).toBe('happy')

    // The same audio with the short turn stretched to dominate the call flips the overall reading.
    const stretched = utterances.map((u, i) => (i === 1 ? { ...u, end: u.start + 60 } : u))
    const flipped = await engine.analyze(audio, stretched)
    expect(flipped.overall.emotion).toBe('angry')
    expect(flipped.overall.sentimentScore).toBeLessThan(0)
  })

  it('reads an empty conversation as neutral with no confidence', async () => {
    const { audio } = await spoken('hello there', { voice: 'rms' })
    expect(await engine.analyze(audio, [])).toEqual({
      utterances: [],
      overall: { emotion: 'neutral', confidence: 0, sentiment: 'NEUTRAL', sentimentScore: 0, cues: {} },
      bySpeaker: {}
    })
  })

  it("leaves the caller's audio intact and survives utterances past the end of it", async () => {
    const { audio, utterance } = await spoken('thanks, that works', { voice: 'awb' })
    const before = audio.samples.slice()
    const result = await engine.analyze(audio, [utterance, { speaker: 'B', start: 100, end: 102, text: 'great' }])
    expect(audio.samples).toEqual(before)
    expect(result.utterances[0].emotion).toBe('satisfied')
    expect(result.utterances[1].cues.pitchHz).toBeUndefined()
  })

  it('stops when the caller aborts', async () => {
    const { audio, utterance } = await spoken('the meeting is scheduled for tuesday at three in the afternoon', { voice: 'rms' })
    const controller = new AbortController()
    const pending = engine.analyze(audio, Array(50).fill(utterance), controller.signal)
    controller.abort(new Error('client went away'))
    await expect(pending).rejects.toThrow('client went away')
    // The engine stays usable afterwards.
    expect((await engine.analyze(audio, [utterance])).overall.emotion).toBe('neutral')
  })
})
