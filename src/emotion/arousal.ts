import { quantile, type AcousticCues } from './acoustics.js'

/** Typical values of a calm speaker, the reference when there is nothing to compare with. */
const TYPICAL = { pitchVariability: 3, wordsPerMinute: 160 }

export interface Baseline {
  pitchHz?: number
  pitchVariability?: number
  energyDb?: number
  wordsPerMinute?: number
  /** utterances it was measured over; one utterance is no baseline for itself */
  count: number
}

/** Median of each cue over a set of utterances: a speaker's usual voice, or the recording's. */
export function baselineOf(cues: AcousticCues[]): Baseline {
  const median = (pick: (c: AcousticCues) => number | undefined) => {
    const values = cues.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v))
    return values.length ? quantile(values, 0.5) : undefined
  }
  return {
    pitchHz: median((c) => c.pitchHz),
    pitchVariability: median((c) => c.pitchVariability),
    energyDb: median((c) => c.energyDb),
    wordsPerMinute: median((c) => c.wordsPerMinute),
    count: cues.length
  }
}

/**
 * How activated the voice sounds, -1 (flat, slow, quiet) .. 1 (lively, fast, loud), from
 * departures from the speaker's own baseline. Each term is scaled so that one unit is a
 * clearly audible change: 2 semitones of pitch, double the pitch range, 6 dB, 30% faster.
 * Pitch level is compared with the speaker only: against the recording it would mostly
 * measure who is speaking. With a single utterance, loose absolute references stand in.
 */
export function arousalOf(c: AcousticCues, speaker: Baseline, recording: Baseline): number {
  let sum = 0
  let weight = 0
  const add = (value: number | undefined, w: number) => {
    if (value === undefined || !Number.isFinite(value)) return
    sum += Math.max(-2, Math.min(2, value)) * w
    weight += w
  }
  const log2Ratio = (a?: number, b?: number) => (a && b ? Math.log2(a / b) : undefined)
  const diff = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a - b : undefined)

  if (speaker.count >= 2) {
    add(
      mapDefined(log2Ratio(c.pitchHz, speaker.pitchHz), (v) => (12 * v) / 2),
      1
    )
    add(log2Ratio(c.pitchVariability, speaker.pitchVariability), 1)
    add(
      mapDefined(diff(c.energyDb, speaker.energyDb), (v) => v / 6),
      1
    )
    add(
      mapDefined(log2Ratio(c.wordsPerMinute, speaker.wordsPerMinute), (v) => v / 0.38),
      1
    )
  }
  if (recording.count >= 2) {
    add(
      mapDefined(diff(c.energyDb, recording.energyDb), (v) => v / 6),
      0.5
    )
    add(
      mapDefined(log2Ratio(c.wordsPerMinute, recording.wordsPerMinute), (v) => v / 0.38),
      0.5
    )
  }
  add(log2Ratio(c.pitchVariability, TYPICAL.pitchVariability), 0.5)
  add(
    mapDefined(log2Ratio(c.wordsPerMinute, TYPICAL.wordsPerMinute), (v) => v / 0.38),
    0.5
  )
  return weight > 0 ? Math.tanh(sum / weight) : 0
}

const mapDefined = (v: number | undefined, f: (v: number) => number) => (v === undefined ? undefined : f(v))
