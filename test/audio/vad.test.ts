import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeAudio, detectSpeech, frameEnergies, isSilent } from '../../src/audio/index.js'
import { makeFixtures, readPcm16, tone, type Fixtures } from './fixtures.js'

let fx: Fixtures
let speech: Float32Array
let spoken: { start: number; end: number } // where the voice is inside speech.wav, in seconds

/** Deterministic white noise with the given RMS. */
function noise(length: number, level: number, seed = 1): Float32Array {
  const out = new Float32Array(length)
  let s = seed
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0
    out[i] = ((s / 2 ** 32) * 2 - 1) * level * Math.sqrt(3)
  }
  return out
}

function pad(x: Float32Array, before: number, after: number, rate = 16000): Float32Array {
  const out = new Float32Array(x.length + Math.round((before + after) * rate))
  out.set(x, Math.round(before * rate))
  return out
}

beforeAll(() => {
  fx = makeFixtures()
  speech = readPcm16(fx.read('speech.wav'))
  // Ground truth from the clean signal: first and last 10 ms frame louder than -40 dBFS.
  const energies = frameEnergies(speech, 160)
  const loud = Array.from(energies.keys()).filter((i) => energies[i] > -40)
  spoken = { start: loud[0] * 0.01, end: (loud.at(-1)! + 1) * 0.01 }
})
afterAll(() => fx.cleanup())

describe('detectSpeech', () => {
  it('finds the sentence inside padded silence', () => {
    const regions = detectSpeech(pad(speech, 1.5, 2))
    expect(regions.length).toBeGreaterThan(0)
    expect(Math.abs(regions[0].start - (1.5 + spoken.start))).toBeLessThan(0.1)
    expect(Math.abs(regions.at(-1)!.end - (1.5 + spoken.end))).toBeLessThan(0.1)
  })

  it('finds it under steady background noise too (the floor adapts)', () => {
    const padded = pad(speech, 1.5, 2)
    const hiss = noise(padded.length, 0.003)
    const hum = tone(100, 16000, padded.length / 16000, 0.02)
    const noisy = padded.map((v, i) => v + hiss[i] + hum[i])
    const regions = detectSpeech(noisy)
    expect(Math.abs(regions[0].start - (1.5 + spoken.start))).toBeLessThan(0.1)
    expect(Math.abs(regions.at(-1)!.end - (1.5 + spoken.end))).toBeLessThan(0.1)
  })

  it('finds the same speech in a decoded upload (sox-padded MP3)', async () => {
    fx.sox('speech.wav', 'padded.wav', 'pad', '1', '1')
    fx.ffmpeg('-i', 'padded.wav', '-c:a', 'libmp3lame', 'padded.mp3')
    const { samples } = await decodeAudio(fx.read('padded.mp3'), { maxSeconds: 60 })
    const regions = detectSpeech(samples)
    expect(Math.abs(regions[0].start - (1 + spoken.start))).toBeLessThan(0.1)
    expect(Math.abs(regions.at(-1)!.end - (1 + spoken.end))).toBeLessThan(0.1)
  })

  it.each([
    ['digital silence', new Float32Array(16000 * 3)],
    ['faint hiss (-50 dBFS)', noise(16000 * 3, 0.003)],
    ['steady hum (-37 dBFS)', tone(50, 16000, 3, 0.02)],
    ['a short click', pad(tone(1000, 16000, 0.05, 0.5), 1, 1)]
  ])('finds nothing in %s', (_name, signal) => {
    expect(detectSpeech(signal)).toEqual([])
    expect(isSilent(signal)).toBe(true)
  })

  it('isSilent is false for speech', () => {
    expect(isSilent(speech)).toBe(false)
  })
})
