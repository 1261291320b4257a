import { beforeAll, describe, expect, it } from 'vitest'
import { diarizationErrorRate, type SpeakerTurn } from '../../src/diarization/index.js'
import { features, speechSpans } from '../../src/diarization/diarize.js'
import { resegment } from '../../src/diarization/resegment.js'
import type { Span } from '../../src/diarization/segment.js'
import { buildConversation, twoSpeakerLines, type Conversation } from './conversations.js'

const FRAMES_PER_SECOND = 100

/** Frame spans of speech, labelled with the reference speaker who talked `lateBy` seconds earlier. */
function lateLabels(call: Conversation, regions: Span[], lateBy: number): (Span & { label: number })[] {
  const names = [...new Set(call.reference.map((t) => t.speaker))]
  const speakerAt = (seconds: number) => {
    const past = call.reference.filter((t) => t.start <= seconds)
    return names.indexOf((past.at(-1) ?? call.reference[0]).speaker)
  }
  const pieces: (Span & { label: number })[] = []
  for (const r of regions) {
    for (let f = r.start; f < r.end; f++) {
      const label = speakerAt(f / FRAMES_PER_SECOND - lateBy)
      const last = pieces.at(-1)
      if (last && last.label === label && last.end === f) last.end = f + 1
      else pieces.push({ start: f, end: f + 1, label })
    }
  }
  return pieces
}

function turnsOf(pieces: (Span & { label: number })[]): SpeakerTurn[] {
  return pieces.map((p) => ({ speaker: String(p.label), start: p.start / FRAMES_PER_SECOND, end: p.end / FRAMES_PER_SECOND }))
}

describe('Viterbi resegmentation', () => {
  let call: Conversation
  let regions: Span[]
  let x: Float32Array

  beforeAll(async () => {
    // No pauses between turns: every change of speaker falls inside one stretch of speech, where only
    // the voices themselves can place it.
    call = await buildConversation(twoSpeakerLines(['rms', 'slt']), [0])
    const lastFrame = Math.floor((call.samples.length - 400) / 160)
    regions = speechSpans(call.samples, lastFrame)
    x = features(call.samples, regions, lastFrame)
  })

  it('moves turn boundaries that clustering placed a second late back to where the voice changes', () => {
    const late = lateLabels(call, regions, 1)
    const before = diarizationErrorRate(call.reference, turnsOf(late)).rate
    const after = resegment(x, regions, late, { switchPenalty: 30, rounds: 1 })
    expect(before).toBeGreaterThan(0.1)
    expect(diarizationErrorRate(call.reference, turnsOf(after)).rate).toBeLessThan(0.03)
  })

  it('covers every speech frame exactly once and keeps the labels it was given', () => {
    const after = resegment(x, regions, lateLabels(call, regions, 1), { switchPenalty: 30, rounds: 1 })
    const frames = (spans: Span[]) => spans.reduce((n, s) => n + s.end - s.start, 0)
    expect(frames(after)).toBe(frames(regions))
    for (let i = 1; i < after.length; i++) expect(after[i].start).toBeGreaterThanOrEqual(after[i - 1].end)
    expect(new Set(after.map((p) => p.label))).toEqual(new Set([0, 1]))
  })
})
