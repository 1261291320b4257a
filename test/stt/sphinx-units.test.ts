import { cepstralMeans, farFromChannel, VOICE_CHANGE_DISTANCE } from '../../src/stt/sphinx/cmn.js'
import { describe, expect, it } from 'vitest'
import { findSpeech } from '../../src/stt/sphinx/segment.js'
import { normalizeWords, wordErrorRate } from '../../src/stt/wer.js'

const RATE = 16000

/** Deterministic noise so VAD tests never flake. */
function noise(seconds: number, amplitude: number, seed = 1): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE))
  let s = seed
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0
    out[i] = amplitude * ((s / 2 ** 32) * 2 - 1)
  }
  return out
}

/** A 200 Hz tone with a syllable-like 4 Hz envelope, standing in for speech. */
function voiced(seconds: number, amplitude = 0.3): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE))
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE
    out[i] = amplitude * (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)) * Math.sin(2 * Math.PI * 200 * t)
  }
  return out
}

function join(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

describe('findSpeech', () => {
  it('finds nothing in digital silence or steady low noise', () => {
    expect(findSpeech(new Float32Array(3 * RATE))).toEqual([])
    expect(findSpeech(noise(3, 0.01))).toEqual([])
  })

  it('finds each utterance separated by a real pause, with some context around it', () => {
    const audio = join(noise(1, 0.002), voiced(1.5), noise(1, 0.002, 2), voiced(2), noise(1, 0.002, 3))
    const spans = findSpeech(audio)
    expect(spans).toHaveLength(2)
    expect(spans[0].start / RATE).toBeGreaterThan(0.6)
    expect(spans[0].start / RATE).toBeLessThan(1)
    expect(spans[1].start / RATE).toBeGreaterThan(3.1)
    expect(spans[1].start / RATE).toBeLessThan(3.5)
    expect(spans[1].end / RATE).toBeGreaterThan(5.5)
    expect(spans[0].end).toBeLessThanOrEqual(spans[1].start)
  })

  it('keeps short pauses inside one utterance and drops clicks', () => {
    const click = voiced(0.03)
    const audio = join(noise(1, 0.002), click, noise(1, 0.002, 2), voiced(1), noise(0.15, 0.002, 3), voiced(1), noise(1, 0.002, 4))
    const spans = findSpeech(audio)
    expect(spans).toHaveLength(1)
    expect(spans[0].start / RATE).toBeGreaterThan(1.5)
  })

  it('cuts very long speech into pieces no longer than the limit', () => {
    const audio = join(voiced(25), noise(0.05, 0.002), voiced(20))
    const spans = findSpeech(audio, { maxSpanMs: 20_000 })
    expect(spans.length).toBeGreaterThanOrEqual(3)
    for (const s of spans) expect(s.end - s.start).toBeLessThanOrEqual(20 * RATE)
    expect(spans[0].start).toBe(0)
    expect(spans[spans.length - 1].end).toBe(audio.length)
    for (let i = 1; i < spans.length; i++) expect(spans[i].start).toBe(spans[i - 1].end)
  })
})

describe('wordErrorRate', () => {
  it('ignores case and punctuation but keeps apostrophes in words', () => {
    expect(normalizeWords("Hello, it's ME!")).toEqual(['hello', "it's", 'me'])
    expect(wordErrorRate('Hello there, friend.', 'hello there friend')).toBe(0)
  })

  it('counts substitutions, insertions and deletions against the reference length', () => {
    expect(wordErrorRate('a b c d', 'a x c d')).toBe(0.25)
    expect(wordErrorRate('a b c d', 'a b c d e')).toBe(0.25)
    expect(wordErrorRate('a b c d', 'a c')).toBe(0.5)
    expect(wordErrorRate('', '')).toBe(0)
    expect(wordErrorRate('', 'x')).toBe(1)
  })
})

describe('cepstralMeans', () => {
  // Cepstra of two spans, of 2 and 1 frames, 13 cepstra per frame.
  const frame = (v: number) => new Array(13).fill(v)
  const spans = [Float32Array.from([...frame(1), ...frame(3)]), Float32Array.from(frame(7))]

  it('blends each span mean half and half with the mean over all speech spans', () => {
    const [a, b] = cepstralMeans(spans)
    // span A mean 2, span B mean 7, all speech (1 + 3 + 7) / 3.
    const all = 11 / 3
    expect(a[0]).toBeCloseTo((2 + all) / 2, 5)
    expect(b[12]).toBeCloseTo((7 + all) / 2, 5)
  })

  it('depends only on the recording, not on the order spans are listed', () => {
    const forward = cepstralMeans(spans)
    const reverse = cepstralMeans([...spans].reverse()).reverse()
    expect(reverse).toEqual(forward)
  })

  it('falls back to the recording mean for a span with no frames', () => {
    const [, empty] = cepstralMeans([spans[0], new Float32Array(0)])
    expect(empty[0]).toBeCloseTo(2, 5)
  })
})

describe('farFromChannel', () => {
  const channel = new Float32Array(13).fill(1)
  // Speech summed over 10 frames whose mean lies `d` from the channel along c0.
  const speechAt = (d: number) => Float64Array.from({ length: 13 }, (_, j) => 10 * (j === 0 ? 1 + d : 1))

  it('trusts the channel for speech close to it and not for speech beyond the voice-change distance', () => {
    expect(farFromChannel({ sum: speechAt(VOICE_CHANGE_DISTANCE - 1), frames: 10 }, channel)).toBe(false)
    expect(farFromChannel({ sum: speechAt(VOICE_CHANGE_DISTANCE + 1), frames: 10 }, channel)).toBe(true)
  })

  it('never flags an utterance without speech frames', () => {
    expect(farFromChannel({ sum: new Float64Array(13), frames: 0 }, channel)).toBe(false)
  })
})
