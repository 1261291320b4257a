import { describe, expect, it } from 'vitest'
import { measureUtterance, quantile } from '../../src/emotion/acoustics.js'
import { trackPitch } from '../../src/emotion/pitch.js'
import { sine, spoken } from './audio.js'

const medianPitch = (samples: Float32Array) =>
  quantile(
    Array.from(trackPitch(samples, 16000)).filter((v) => v > 0),
    0.5
  )
const SENTENCE = 'the meeting is scheduled for tuesday at three in the afternoon'

describe('pitch tracker', () => {
  it.each([150, 220])('finds a %i Hz sine within 3%%', (hz) => {
    const f0 = medianPitch(sine(hz))
    expect(Math.abs(f0 - hz) / hz).toBeLessThan(0.03)
  })

  it('calls silence and noise-free gaps unvoiced', () => {
    const samples = new Float32Array(16000)
    samples.set(sine(200, 0.5), 0)
    const track = trackPitch(samples, 16000)
    const voiced = Array.from(track).filter((v) => v > 0).length
    expect(voiced / track.length).toBeGreaterThan(0.35)
    expect(voiced / track.length).toBeLessThan(0.55)
  })

  it('hears the female voice higher than the male one', async () => {
    const male = medianPitch((await spoken(SENTENCE, { voice: 'rms' })).audio.samples)
    const female = medianPitch((await spoken(SENTENCE, { voice: 'slt' })).audio.samples)
    expect(male).toBeGreaterThan(70)
    expect(male).toBeLessThan(150)
    expect(female).toBeGreaterThan(male * 1.4)
  })
})

describe('utterance cues', () => {
  it('measures faster speech as more words per minute', async () => {
    const fast = (await spoken(SENTENCE, { voice: 'rms', rate: 1.4 })).audio.samples
    const slow = (await spoken(SENTENCE, { voice: 'rms', rate: 0.8 })).audio.samples
    const wpm = (s: Float32Array) => measureUtterance(s, 16000, { start: 0, end: s.length / 16000 }).wordsPerMinute!
    expect(wpm(fast)).toBeGreaterThan(wpm(slow) * 1.15)
  })

  it('takes rate and pauses from word timings when it has them', () => {
    const words = [0, 0.4, 0.8, 2.0, 2.4].map((start) => ({ start, end: start + 0.3 }))
    const cues = measureUtterance(sine(180, 3), 16000, { start: 0, end: 3, words })
    // 5 words over 2.7 s; one 0.9 s gap, the others too short to be pauses.
    expect(cues.wordsPerMinute).toBe(111)
    expect(cues.pauseRatio).toBeCloseTo(0.9 / 2.7, 2)
  })

  it('finds the pause inside an utterance from the audio alone', () => {
    const samples = new Float32Array(16000 * 3)
    samples.set(sine(150, 1), 0)
    samples.set(sine(150, 1), 32000)
    const cues = measureUtterance(samples, 16000, { start: 0, end: 3 })
    expect(cues.pauseRatio).toBeGreaterThan(0.25)
    expect(cues.pauseRatio).toBeLessThan(0.4)
    expect(cues.energyDb).toBeCloseTo(-9, 0)
  })

  it('returns no cues for silence', () => {
    expect(measureUtterance(new Float32Array(16000), 16000, { start: 0, end: 1 })).toEqual({})
  })
})
