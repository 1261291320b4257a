import { describe, expect, it } from 'vitest'
import { FRAME, bandBins, envelopeProblem, fillBand, forEachSpectrum, meanMagnitude, type BandEnvelope } from '../../src/audio/band-fill.js'
import { loadBandEnvelope } from '../../src/stt/sphinx/telephone.js'

const RATE = 16000
const envelope: BandEnvelope = loadBandEnvelope()

/** Phone-band stand-in: tones from 300 to 3400 Hz, `gain` per second of audio (a quiet then a loud stretch). */
function phoneBand(gains: number[]): Float32Array {
  const x = new Float32Array(gains.length * RATE)
  const tones = Array.from({ length: 24 }, (_, i) => ({ hz: 300 + i * 131, phase: i * 1.7 }))
  for (let i = 0; i < x.length; i++) {
    const g = gains[Math.floor(i / RATE)]
    let v = 0
    for (const t of tones) v += Math.sin((2 * Math.PI * t.hz * i) / RATE + t.phase)
    x[i] = (g * v) / tones.length
  }
  return x
}

/** Mean magnitude of a band over the frames wholly inside [from, to) seconds. */
function bandLevel(x: Float32Array, hz: [number, number], from: number, to: number): number {
  const bins = bandBins(...hz)
  let sum = 0
  let n = 0
  forEachSpectrum(x, (spectrum, f) => {
    const start = f * 128 - FRAME / 2
    if (start < from * RATE || start + FRAME > to * RATE) return
    sum += meanMagnitude(spectrum, bins)
    n++
  })
  return sum / n
}

const db = (a: number, b: number) => 20 * Math.log10(a / b)

describe('telephone band fill', () => {
  it('returns as many samples as it was given', () => {
    for (const n of [0, 1, 100, 511, 512, 16037]) expect(fillBand(phoneBand([0.3, 0.3]).subarray(0, n), envelope)).toHaveLength(n)
  })

  it('leaves the phone band as it was', () => {
    const x = phoneBand([0.3, 0.3])
    const y = fillBand(x, envelope)
    const diff = y.map((v, i) => v - x[i])
    // What was added lies above the phone band: below 3.4 kHz it is 80 dB under the speech.
    expect(db(bandLevel(diff, [100, 3400], 0.1, 1.9), bandLevel(x, [100, 3400], 0.1, 1.9))).toBeLessThan(-80)
  })

  it('puts sound above 4 kHz that follows the level of the phone band', () => {
    const x = phoneBand([0.02, 0.2])
    const y = fillBand(x, envelope)
    const before = bandLevel(x, [4200, 7800], 0.1, 1.9)
    const quiet = bandLevel(y, [4200, 7800], 0.1, 0.9)
    const loud = bandLevel(y, [4200, 7800], 1.1, 1.9)
    expect(db(quiet, before)).toBeGreaterThan(30)
    // Ten times the level in the phone band, ten times the level above it.
    expect(db(loud, quiet)).toBeCloseTo(20, 0)
    // Shaped by the envelope: as much quieter at 6.5-7.5 kHz than at 4-5 kHz as a studio voice is (within 3 dB).
    const envelopeLevel = (hz: [number, number]) => {
      const [lo, hi] = bandBins(...hz).map((k) => k - bandBins(4000, 8000)[0])
      const shape = envelope.shapeDb.slice(lo, hi + 1)
      return shape.reduce((s, d) => s + 10 ** (d / 20), 0) / shape.length
    }
    const slope = db(bandLevel(y, [6500, 7500], 1.1, 1.9), bandLevel(y, [4000, 5000], 1.1, 1.9))
    expect(Math.abs(slope - db(envelopeLevel([6500, 7500]), envelopeLevel([4000, 5000])))).toBeLessThan(3)
  })

  it('gives the same samples for the same recording every time', () => {
    const x = phoneBand([0.1, 0.3])
    expect(fillBand(x, envelope)).toEqual(fillBand(x, envelope))
  })

  it('keeps silence silent', () => {
    const y = fillBand(new Float32Array(RATE), envelope)
    expect(y.every((v) => v === 0)).toBe(true)
  })

  it('writes into the output it is given, such as shared memory', () => {
    const x = phoneBand([0.1])
    const out = new Float32Array(new SharedArrayBuffer(x.length * 4))
    expect(fillBand(x, envelope, out)).toBe(out)
    expect(out).toEqual(fillBand(x, envelope))
  })

  it('refuses an envelope that does not fit the frame, naming what is wrong', () => {
    expect(envelopeProblem(envelope)).toBeUndefined()
    expect(envelopeProblem({ ...envelope, shapeDb: envelope.shapeDb.slice(1) })).toMatch(/shapeDb must hold \d+ finite dB values/)
    expect(envelopeProblem({ ...envelope, levelBandHz: [3400, 1000] })).toMatch(/levelBandHz/)
    expect(() => fillBand(phoneBand([0.3]), { ...envelope, fillFromHz: 9000 })).toThrow(/fillFromHz/)
  })
})
