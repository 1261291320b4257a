import { describe, expect, it } from 'vitest'
import { arousalOf, baselineOf } from '../../src/emotion/arousal.js'
import { combine } from '../../src/emotion/combine.js'
import { toResult } from '../../src/emotion/aggregate.js'
import { normalise, readText } from '../../src/emotion/text.js'
import { analyzeConversation } from '../../src/analysis/index.js'

const top = (text: string, arousal = 0) => toResult(combine(readText(text), arousal, {})).emotion

describe('text cues', () => {
  it('expands contractions so phrases match however they were transcribed', () => {
    expect(normalise("I DON'T understand, I’m lost!")).toBe('i do not understand i am lost')
    expect(readText("i don't understand").scores.confused).toBeGreaterThan(1)
  })

  it('reads "not happy" as no happiness and a negative polarity', () => {
    const cues = readText('i am not happy with this')
    expect(cues.scores.happy).toBe(0)
    expect(cues.scores.frustrated).toBeGreaterThan(0)
    expect(cues.polarity).toBeLessThan(0)
    expect(cues.hits).toContain('not happy')
  })

  it('counts questions even when the transcript has no punctuation', () => {
    expect(readText('what is the price, how do i pay').hits).toContain('2 questions')
    expect(readText('so what is it?').hits).toContain('question')
  })

  it('gives a factual sentence no emotion evidence', () => {
    const cues = readText('the invoice was sent on the third of march')
    expect(Math.max(...Object.values(cues.scores))).toBe(0)
    expect(cues.polarity).toBe(0)
  })
})

describe('combining text and arousal', () => {
  it('lets arousal choose among negative labels the words leave open', () => {
    const text = 'this is terrible and awful'
    expect(top(text, 0)).toBe('frustrated')
    expect(top(text, 0.9)).toBe('angry')
    expect(top(text, -0.9)).toBe('sad')
  })

  it('separates happy from satisfied by arousal', () => {
    expect(top('that is good, thanks', -0.5)).toBe('satisfied')
    expect(top('that is good', 0.9)).toBe('happy')
  })

  it('keeps explicit words over the voice', () => {
    expect(top('i am so sad', 0.6)).toBe('sad')
  })

  it('measures arousal against the speaker, not against other speakers', () => {
    const calm = { pitchHz: 110, pitchVariability: 3, energyDb: -24, wordsPerMinute: 150 }
    const speaker = baselineOf([calm, calm, { ...calm, energyDb: -23 }])
    const recording = baselineOf([calm, calm, calm, { pitchHz: 210, pitchVariability: 3, energyDb: -20, wordsPerMinute: 150 }])
    const raised = { pitchHz: 140, pitchVariability: 6, energyDb: -16, wordsPerMinute: 210 }
    expect(arousalOf(raised, speaker, recording)).toBeGreaterThan(0.6)
    expect(Math.abs(arousalOf(calm, speaker, recording))).toBeLessThan(0.2)
    expect(arousalOf({ ...calm, energyDb: -32, wordsPerMinute: 110 }, speaker, recording)).toBeLessThan(-0.3)
  })
})

describe('apologies and sympathy', () => {
  it.each(['I am so sorry to hear that.', 'I apologize for the inconvenience.', 'I understand how frustrating that must be.', 'sorry about the trouble'])(
    '%j is courtesy, not negative',
    (text) => {
      const result = toResult(combine(readText(text), 0, {}))
      expect(result.sentiment).toBe('NEUTRAL')
      expect(result.emotion).toBe('neutral')
      expect(result.cues.text).toContain('apology or sympathy')
    }
  )

  it('keeps what follows an apology and reads condolences as sad', () => {
    expect(top("i'm sorry but this is unacceptable")).toBe('angry')
    expect(top("sorry, i don't understand, what do you mean")).toBe('confused')
    expect(top('i am so sorry for your loss')).toBe('sad')
  })

  it('reads "that is awful" beside an apology as sympathy, and alone as what it says', () => {
    expect(toResult(combine(readText("I'm so sorry, that's awful."), 0, {})).sentiment).toBe('NEUTRAL')
    expect(toResult(combine(readText("that's awful, the third time this month"), 0, {})).sentiment).toBe('NEGATIVE')
  })
})

it('scores the same words the same before and after a call was analysed in the same process', () => {
  const text = 'thank you, that is a problem, i am so frustrated'
  const before = readText(text).polarity
  analyzeConversation({ utterances: [], transcript: 'thank you, that is a problem, i am so frustrated, sorry', durationSeconds: 4 })
  expect(readText(text).polarity).toBe(before)
})
