import { beforeAll, describe, expect, it } from 'vitest'
import { clusterByAdaptedMeans } from '../../src/diarization/adapted.js'
import { background, phoneBand, type Mixture } from '../../src/diarization/background.js'
import { features, speechSpans } from '../../src/diarization/diarize.js'
import type { Span } from '../../src/diarization/segment.js'
import { buildConversation, twoSpeakerLines } from './conversations.js'

const FRAMES_PER_SECOND = 100

describe('clustering by MAP-adapted background mixtures', () => {
  let x: Float32Array
  let pieces: (Span & { label: number })[]
  let ubm: Mixture
  let phone: boolean

  beforeAll(async () => {
    const call = await buildConversation(twoSpeakerLines(['rms', 'slt']))
    const lastFrame = Math.floor((call.samples.length - 400) / 160)
    const regions = speechSpans(call.samples, lastFrame)
    x = features(call.samples, regions, lastFrame)
    phone = phoneBand(call.samples, regions)
    ubm = background(phone ? 'narrow' : 'wide')!
    // Each voice's turns alternate between two labels, as BIC leaves a voice split in two: labels 0 and 2
    // are rms, 1 and 3 slt.
    const names = [...new Set(call.reference.map((t) => t.speaker))]
    const seen = [0, 0]
    pieces = []
    for (const t of call.reference) {
      const who = names.indexOf(t.speaker)
      const label = who + 2 * (seen[who]++ % 2)
      for (const r of regions) {
        const start = Math.max(r.start, Math.round(t.start * FRAMES_PER_SECOND))
        const end = Math.min(r.end, Math.round(t.end * FRAMES_PER_SECOND))
        if (end > start) pieces.push({ start, end, label })
      }
    }
  })

  it('ships a background mixture for each kind of recording, and a studio call is not taken for a phone line', () => {
    expect(background('wide')?.weights.length).toBe(64)
    expect(background('narrow')?.weights.length).toBe(64)
    expect(background('wide-warped')?.weights.length).toBe(64)
    expect(phone).toBe(false)
  })

  it('merges the halves of each voice and keeps the two voices apart', () => {
    const merged = clusterByAdaptedMeans([{ x, ubm, threshold: 0.9 }], pieces, 4, {})
    expect(Array.from(merged)).toEqual([0, 1, 0, 1])
  })

  it('never merges clusters far apart in pitch, however close their mixtures', () => {
    const pitch = [100, 100, 200, 200].map((hz) => ({ logF0: Math.log(hz), voiced: 1000 }))
    expect(new Set(clusterByAdaptedMeans([{ x, ubm, threshold: 1e9 }], pieces, 4, {})).size).toBe(1)
    expect(Array.from(clusterByAdaptedMeans([{ x, ubm, threshold: 1e9 }], pieces, 4, { pitch, pitchApart: 0.45 }))).toEqual([0, 0, 1, 1])
  })

  it('keeps every cluster below a threshold of zero and merges down to a maximum when told', () => {
    expect(Array.from(clusterByAdaptedMeans([{ x, ubm, threshold: 0 }], pieces, 4, {}))).toEqual([0, 1, 2, 3])
    expect(new Set(clusterByAdaptedMeans([{ x, ubm, threshold: 0 }], pieces, 4, { atMost: 2 })).size).toBe(2)
  })

  it('merges pairs pitch keeps apart only after every other pair, when a maximum forces merges at a threshold of zero', () => {
    // Labels 0 and 2 are one voice (close mixtures) but pitch keeps them apart; 0-1 and 2-3 are different
    // voices of the same pitch, so those are the merges a maximum of two must make.
    const pitch = [100, 100, 200, 200].map((hz) => ({ logF0: Math.log(hz), voiced: 1000 }))
    const merged = clusterByAdaptedMeans([{ x, ubm, threshold: 0 }], pieces, 4, { atMost: 2, pitch, pitchApart: 0.45 })
    expect(Array.from(merged)).toEqual([0, 0, 1, 1])
  })
})
