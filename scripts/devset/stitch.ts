/**
 * Conversations stitched from real recordings: turns of 1-4 s taken from each speaker's own speech, each
 * piece of it used once, with gaps of 0.25-0.8 s between them, every piece brought to the same loudness so that the level says
 * nothing about who speaks. The reference turns are exact because the stitcher places every piece.
 */

import { seededRandom } from '../../src/audio/seeded-random.js'

export interface Chunk {
  samples: Float32Array
  text?: string
}

export interface StitchedTurn {
  speaker: string
  start: number
  end: number
  text?: string
}

const FRAME_SECONDS = 0.02
const MAX_CHUNK = 7
const MIN_CHUNK = 0.3
const MIN_PAUSE = 0.25
// A turn made of several pieces of one speaker's talk keeps short breaths between them.
const INNER_GAP = 0.15
const TARGET_RMS = 0.05

/**
 * Speech stretches of one recording, silence trimmed, cut at pauses into pieces of at most 7 s.
 * Speech is whatever lies within 30 dB of the recording's loud frames, which copes with the hiss of the
 * radio recordings as well as with studio silence.
 */
export function speechChunks(samples: Float32Array, rate: number): [number, number][] {
  const frame = Math.round(FRAME_SECONDS * rate)
  const count = Math.floor(samples.length / frame)
  const db = new Float64Array(count)
  for (let f = 0; f < count; f++) {
    let e = 0
    for (let i = f * frame; i < (f + 1) * frame; i++) e += samples[i] * samples[i]
    db[f] = 10 * Math.log10(e / frame + 1e-12)
  }
  const sorted = Array.from(db).sort((x, y) => x - y)
  const loud = sorted[Math.floor(0.95 * (count - 1))]
  const floor = sorted[Math.floor(0.1 * (count - 1))]
  const threshold = Math.max(loud - 30, floor + 6)
  const minPause = Math.round(MIN_PAUSE / FRAME_SECONDS)
  const spans: [number, number][] = []
  let f = 0
  while (f < count) {
    if (db[f] < threshold) {
      f++
      continue
    }
    let end = f
    let quiet = 0
    let g = f
    while (g < count && quiet < minPause) {
      if (db[g] >= threshold) [end, quiet] = [g + 1, 0]
      else quiet++
      g++
    }
    spans.push([f, end])
    f = g
  }
  const maxFrames = Math.round(MAX_CHUNK / FRAME_SECONDS)
  const out: [number, number][] = []
  for (const [a, b] of spans.flatMap((s) => split(s, maxFrames))) {
    if ((b - a) * FRAME_SECONDS >= MIN_CHUNK) out.push([a * frame, b * frame])
  }
  return out
}

function split([a, b]: [number, number], max: number): [number, number][] {
  if (b - a <= max) return [[a, b]]
  const parts = Math.ceil((b - a) / max)
  const size = Math.ceil((b - a) / parts)
  return Array.from({ length: parts }, (_, i) => [a + i * size, Math.min(b, a + (i + 1) * size)] as [number, number])
}

export function levelled(samples: Float32Array): Float32Array {
  let e = 0
  for (const x of samples) e += x * x
  const rms = Math.sqrt(e / Math.max(1, samples.length)) || 1
  const gain = TARGET_RMS / rms
  return samples.map((x) => Math.max(-0.99, Math.min(0.99, x * gain)))
}

/**
 * Pieces of at most `max` seconds: a longer chunk is cut at its quietest 20 ms frame away from its ends,
 * again and again, so a voice with a few long sentences can still take several short turns.
 */
export function shortPieces(chunk: Chunk, rate: number, max: number): Chunk[] {
  const frame = Math.round(FRAME_SECONDS * rate)
  if (chunk.samples.length <= max * rate) return [chunk]
  const frames = Math.floor(chunk.samples.length / frame)
  const margin = Math.floor(frames / 4)
  let cut = margin
  let quietest = Infinity
  for (let f = margin; f < frames - margin; f++) {
    let e = 0
    for (let i = f * frame; i < (f + 1) * frame; i++) e += chunk.samples[i] * chunk.samples[i]
    if (e < quietest) [cut, quietest] = [f, e]
  }
  const at = cut * frame + (frame >> 1)
  return [chunk.samples.subarray(0, at), chunk.samples.subarray(at)].flatMap((samples) => shortPieces({ samples }, rate, max))
}

/** Seconds of distinct speech a voice brings. */
export const materialOf = (chunks: Chunk[], rate: number): number => chunks.reduce((n, c) => n + c.samples.length, 0) / rate

/**
 * Alternates speakers (never the same one twice in a row; with three, the next one is drawn at random
 * among those with speech left), each turn 1-`maxTurn` s of that speaker's pieces taken in order. No
 * piece of audio is ever used twice: a real call never repeats a sentence word for word, and a voice whose
 * few sentences came back turn after turn taught a diarizer to hear two speakers in one. The call ends
 * after `turnCount` turns or when the next speaker has nothing left to say, so a voice with little
 * recorded speech makes a short call.
 */
export function stitch(
  voices: { id: string; chunks: Chunk[] }[],
  rate: number,
  turnCount: number,
  seed: number,
  maxTurn = 4
): { samples: Float32Array; turns: StitchedTurn[] } {
  const rnd = seededRandom(seed)
  const queues = voices.map((v) => v.chunks.flatMap((c) => shortPieces(c, rate, maxTurn)))
  const pieces: { at: number; samples: Float32Array }[] = []
  const turns: StitchedTurn[] = []
  let at = Math.round(0.5 * rate)
  let speaker = 0
  for (let t = 0; t < turnCount; t++) {
    if (t > 0) {
      const others = voices.map((_, i) => i).filter((i) => i !== speaker && queues[i].length > 0)
      // Every voice speaks within the first turns, whatever the draw says.
      if (t < voices.length) others.splice(0, others.length, t)
      if (others.length === 0 || queues[others[0]].length === 0) break
      speaker = others[Math.floor(rnd() * others.length)]
      at += Math.round((0.25 + 0.55 * rnd()) * rate)
    }
    const v = voices[speaker]
    const queue = queues[speaker]
    const target = (1 + (maxTurn - 1) * rnd()) * rate
    const start = at
    const texts: (string | undefined)[] = []
    let length = 0
    while (queue.length > 0 && (length === 0 || length < target)) {
      if (length > 0 && length + queue[0].samples.length > maxTurn * rate) break
      const chunk = queue.shift()!
      if (length > 0) at += Math.round(INNER_GAP * rate)
      pieces.push({ at, samples: chunk.samples })
      at += chunk.samples.length
      length = at - start
      texts.push(chunk.text)
    }
    turns.push({ speaker: v.id, start: start / rate, end: at / rate, ...(texts.every(Boolean) ? { text: texts.join(' ') } : {}) })
  }
  const samples = new Float32Array(at + Math.round(0.5 * rate))
  for (const p of pieces) samples.set(p.samples, p.at)
  return { samples, turns }
}
