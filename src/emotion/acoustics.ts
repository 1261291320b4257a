import { FRAME_HOP, frameRms, trackPitch } from './pitch.js'

/** A stretch of audio to measure; times are seconds from the start of the samples given. */
export interface AcousticSpan {
  start: number
  end: number
  words?: { start: number; end: number }[]
}

export interface AcousticCues {
  pitchHz?: number
  pitchVariability?: number
  energyDb?: number
  wordsPerMinute?: number
  pauseRatio?: number
}

const FRAME = 0.025
/** Speech frames sit within this many dB of the utterance's loud frames. */
const SPEECH_RANGE_DB = 30
/** Shorter silences are stop closures and breaths between syllables, not pauses. */
const MIN_PAUSE = 0.15
/** Average syllables per English word, to turn a syllable rate into words per minute. */
const SYLLABLES_PER_WORD = 1.4

export function measureUtterance(samples: Float32Array, sampleRate: number, span: AcousticSpan): AcousticCues {
  const from = clampIndex(span.start * sampleRate, samples.length)
  const seg = samples.subarray(from, clampIndex(span.end * sampleRate, samples.length))
  const db = frameLevels(seg, sampleRate)
  const loud = quantile(Array.from(db), 0.95)
  const floor = Math.max(loud - SPEECH_RANGE_DB, -60)
  const speech = Array.from(db, (v) => v >= floor)
  const first = speech.indexOf(true)
  if (first < 0) return {}
  const last = speech.lastIndexOf(true)

  let power = 0
  let count = 0
  for (let i = first; i <= last; i++) {
    if (!speech[i]) continue
    power += 10 ** (db[i] / 10)
    count++
  }
  const cues: AcousticCues = { energyDb: round(10 * Math.log10(power / count), 1) }

  const f0 = Array.from(trackPitch(seg, sampleRate)).filter((v) => v > 0)
  if (f0.length >= 5) {
    cues.pitchHz = round(quantile(f0, 0.5), 1)
    cues.pitchVariability = round(12 * Math.log2(quantile(f0, 0.75) / quantile(f0, 0.25)), 2)
  }

  const words = (span.words ?? []).filter((w) => w.end > w.start)
  if (words.length >= 2) {
    const spoken = words[words.length - 1].end - words[0].start
    let gaps = 0
    for (let i = 1; i < words.length; i++) {
      const gap = words[i].start - words[i - 1].end
      if (gap >= MIN_PAUSE) gaps += gap
    }
    cues.wordsPerMinute = round((words.length / spoken) * 60, 0)
    cues.pauseRatio = round(Math.min(1, gaps / spoken), 3)
  } else {
    const active = (last - first + 1) * FRAME_HOP
    cues.pauseRatio = round(silentRuns(speech, first, last) / (last - first + 1), 3)
    if (active >= 0.3) cues.wordsPerMinute = round((syllableNuclei(db, floor, first, last) / active / SYLLABLES_PER_WORD) * 60, 0)
  }
  return cues
}

/** RMS level in dBFS of 25 ms frames every 10 ms. */
function frameLevels(seg: Float32Array, sampleRate: number): Float32Array {
  const hop = Math.round(FRAME_HOP * sampleRate)
  const size = Math.round(FRAME * sampleRate)
  const n = Math.max(0, Math.floor((seg.length - size) / hop) + 1)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = 20 * Math.log10(Math.max(frameRms(seg, i * hop, size), 1e-6))
  return out
}

/** Frames in silent runs long enough to be pauses. */
function silentRuns(speech: boolean[], first: number, last: number): number {
  const minFrames = Math.round(MIN_PAUSE / FRAME_HOP)
  let total = 0
  let run = 0
  for (let i = first; i <= last + 1; i++) {
    if (i <= last && !speech[i]) {
      run++
      continue
    }
    if (run >= minFrames) total += run
    run = 0
  }
  return total
}

/**
 * Counts syllable nuclei as peaks of the smoothed level contour that rise at least 2 dB above
 * the dip since the previous peak (after de Jong & Wempe, 2009). It needs no transcript, so it
 * also works when the recogniser gave no word timings.
 */
function syllableNuclei(db: Float32Array, floor: number, first: number, last: number): number {
  const smooth = new Float32Array(db.length)
  for (let i = first; i <= last; i++) {
    let sum = 0
    let n = 0
    for (let k = Math.max(first, i - 2); k <= Math.min(last, i + 2); k++) {
      sum += db[k]
      n++
    }
    smooth[i] = sum / n
  }
  let peaks = 0
  let dip = Infinity
  for (let i = first + 1; i < last; i++) {
    dip = Math.min(dip, smooth[i])
    const isPeak = smooth[i] >= smooth[i - 1] && smooth[i] > smooth[i + 1] && smooth[i] >= floor + 6
    if (isPeak && smooth[i] - dip >= 2) {
      peaks++
      dip = smooth[i]
    }
  }
  return peaks
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo)
}

const clampIndex = (i: number, length: number) => Math.max(0, Math.min(length, Math.round(i)))
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits
