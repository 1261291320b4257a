import { describe, expect, it } from 'vitest'
import { HOP } from '../../src/diarization/cepstra.js'
import { clusterByBic } from '../../src/diarization/cluster.js'
import { Stats } from '../../src/diarization/gaussian.js'
import { logPitch, pitchOf } from '../../src/diarization/pitch.js'

/** A voice-like tone through a phone line: harmonics 3-12 of `f0` only, the fundamental itself cut away. */
function phoneVoice(f0: number, seconds: number): Float32Array {
  const out = new Float32Array(seconds * 16000)
  for (let i = 0; i < out.length; i++) {
    for (let h = 3; h <= 12 && h * f0 < 3400; h++) out[i] += (0.1 / h) * Math.sin((2 * Math.PI * h * f0 * i) / 16000)
  }
  return out
}

const medianHz = (samples: Float32Array) => {
  const frames = Math.floor(samples.length / HOP)
  const spans = [{ start: 0, end: frames - 10 }]
  return Math.exp(pitchOf(logPitch(samples, spans, frames), spans).logF0)
}

describe('pitch for speaker clustering', () => {
  it("finds a man's and a woman's pitch on a telephone line that cut the fundamental", () => {
    expect(medianHz(phoneVoice(110, 1))).toBeGreaterThan(104)
    expect(medianHz(phoneVoice(110, 1))).toBeLessThan(116)
    expect(medianHz(phoneVoice(210, 1))).toBeGreaterThan(200)
    expect(medianHz(phoneVoice(210, 1))).toBeLessThan(220)
  })

  it('finds no pitch in noise', () => {
    let seed = 1
    const noise = Float32Array.from({ length: 16000 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.2)
    const spans = [{ start: 0, end: 90 }]
    expect(pitchOf(logPitch(noise, spans, 100), spans).voiced).toBeLessThan(5)
  })

  it('keeps two voices far apart in pitch as two speakers even when their spectra look alike', () => {
    // Four segments drawn from one spectral distribution: by cepstra alone, one voice.
    let seed = 7
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5
    const x = Float32Array.from({ length: 4 * 300 * 12 }, rnd)
    const items = [0, 1, 2, 3].map((k) => new Stats().addRange(x, k * 300, (k + 1) * 300))
    const man = { logF0: Math.log(110), voiced: 100 }
    const woman = { logF0: Math.log(200), voiced: 100 }
    const options = { lambda: 2, cap: 3000, pitchApart: 0.3, minVoiced: 40 }
    expect(new Set(clusterByBic(items, options)).size).toBe(1)
    expect(Array.from(clusterByBic(items, { ...options, pitch: [man, woman, man, woman] }))).toEqual([0, 1, 0, 1])
    // Told there is one speaker, it still merges them.
    expect(new Set(clusterByBic(items, { ...options, pitch: [man, woman, man, woman], exactly: 1 })).size).toBe(1)
  })
})
