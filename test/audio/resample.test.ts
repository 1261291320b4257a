import { describe, expect, it } from 'vitest'
import { Resampler, downmix, resample } from '../../src/audio/index.js'
import { tone, toneAmplitude } from './fixtures.js'

const db = (ratio: number) => 20 * Math.log10(ratio)

describe('resample to 16 kHz', () => {
  it.each([8000, 11025, 22050, 44100, 48000, 96000, 44099])('keeps a 1 kHz tone at %i Hz: frequency, amplitude and exact length', (rate) => {
    const input = tone(1000, rate, 1, 0.5)
    const out = resample(input, rate, 16000)
    expect(out.length).toBe(16000)
    expect(Math.abs(db(toneAmplitude(out, 1000, 16000) / 0.5))).toBeLessThan(0.1)
    // Nothing of the tone leaks to a neighbouring frequency, i.e. the pitch is unchanged.
    expect(toneAmplitude(out, 1100, 16000)).toBeLessThan(0.005)
  })

  it('stops tones above the new Nyquist frequency instead of folding them back (aliasing)', () => {
    // 8.5 kHz in 48 kHz input would alias to 7.5 kHz, 12 kHz to 4 kHz, 15 kHz to 1 kHz.
    for (const [f, alias] of [
      [8500, 7500],
      [12000, 4000],
      [15000, 1000]
    ]) {
      const out = resample(tone(f, 48000, 1, 0.5), 48000, 16000)
      expect(db(toneAmplitude(out, alias, 16000) / 0.5)).toBeLessThan(-60)
    }
  })

  it('passes the speech band and rolls off only in the top 10 % below 8 kHz', () => {
    // 7.5 kHz is below the 8 kHz Nyquist frequency: it belongs in the output, somewhat attenuated by the
    // transition band; a tone that must vanish is one that would alias (see above).
    const at = (f: number) => db(toneAmplitude(resample(tone(f, 48000, 1, 0.5), 48000), f, 16000) / 0.5)
    expect(Math.abs(at(6000))).toBeLessThan(0.1)
    expect(at(7500)).toBeLessThan(0)
    expect(at(7500)).toBeGreaterThan(-10)
  })

  it('upsampling 8 kHz telephone audio creates no images above 4 kHz', () => {
    const out = resample(tone(3000, 8000, 1, 0.5), 8000)
    expect(db(toneAmplitude(out, 3000, 16000) / 0.5)).toBeGreaterThan(-0.1)
    expect(db(toneAmplitude(out, 5000, 16000) / 0.5)).toBeLessThan(-60)
  })

  it('gives the same result in blocks of any size as in one call, with bounded history', () => {
    const input = tone(440, 44100, 3)
    const whole = resample(input, 44100)
    const resampler = new Resampler(44100)
    const parts: Float32Array[] = []
    for (let i = 0, size = 1; i < input.length; i += size, size = ((size * 7) % 9000) + 1) {
      parts.push(resampler.process(input.subarray(i, i + size)))
    }
    parts.push(resampler.flush())
    const joined = Float32Array.from(parts.flatMap((p) => Array.from(p)))
    expect(joined.length).toBe(whole.length)
    expect(joined.every((v, i) => Math.abs(v - whole[i]) < 1e-6)).toBe(true)
  })

  it('keeps timing: an impulse stays where it was', () => {
    const impulse = new Float32Array(48000)
    impulse[24000] = 1
    const out = resample(impulse, 48000)
    const peak = out.reduce((best, v, i) => (Math.abs(v) > Math.abs(out[best]) ? i : best), 0)
    expect(peak).toBe(8000)
  })
})

describe('downmix', () => {
  it('averages channels so identical channels keep their level', () => {
    const left = Float32Array.from([0.5, -0.5, 1])
    expect(Array.from(downmix([left, left]))).toEqual([0.5, -0.5, 1])
    expect(Array.from(downmix([left, new Float32Array(3)]))).toEqual([0.25, -0.25, 0.5])
  })
})
