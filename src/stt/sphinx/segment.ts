/**
 * Energy-based voice activity detection used to cut long recordings into utterances that
 * the decoder workers can handle in parallel. Self-contained on purpose: the recogniser's
 * accuracy depends on these exact cut points (padding, split rules), so it does not follow
 * changes to the general-purpose VAD.
 */

export interface SpeechSpan {
  /** first sample (inclusive) */
  start: number
  /** last sample (exclusive) */
  end: number
}

export interface VadOptions {
  sampleRate?: number
  frameMs?: number
  /** a frame is speech when it is this many dB above the estimated noise floor */
  thresholdDb?: number
  /** frames quieter than this (dBFS) are never speech, whatever the noise floor */
  minLevelDb?: number
  /** keep a span open this long after energy falls, so word endings are not clipped */
  hangoverMs?: number
  /** spans with less speech than this are clicks or breaths, not words */
  minSpeechMs?: number
  /** pauses shorter than this stay inside one span */
  minSilenceMs?: number
  /** context kept on both sides: the decoder needs some silence around speech */
  padMs?: number
  /** longer spans are cut at their quietest frame to bound decoder latency and memory */
  maxSpanMs?: number
}

const defaults: Required<VadOptions> = {
  sampleRate: 16000,
  frameMs: 10,
  thresholdDb: 12,
  minLevelDb: -50,
  hangoverMs: 200,
  minSpeechMs: 120,
  minSilenceMs: 350,
  padMs: 200,
  maxSpanMs: 20_000
}

/** Per-frame energy in dBFS. */
export function frameEnergies(samples: Float32Array, frameLen: number): Float32Array {
  const n = Math.floor(samples.length / frameLen)
  const out = new Float32Array(n)
  for (let f = 0; f < n; f++) {
    let sum = 0
    for (let i = f * frameLen, e = i + frameLen; i < e; i++) sum += samples[i] * samples[i]
    out[f] = 10 * Math.log10(sum / frameLen + 1e-12)
  }
  return out
}

function percentile(values: Float32Array, p: number): number {
  if (values.length === 0) return -120
  const sorted = Float32Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

/** Finds speech spans in mono audio; returns sample ranges in ascending order. */
export function findSpeech(samples: Float32Array, options: VadOptions = {}): SpeechSpan[] {
  const o = { ...defaults, ...options }
  const frameLen = Math.round((o.sampleRate * o.frameMs) / 1000)
  const energy = frameEnergies(samples, frameLen)
  const ms = (v: number) => Math.max(1, Math.round(v / o.frameMs))

  // The quietest tenth of the recording approximates its noise floor; a fixed threshold
  // would either miss quiet talkers or call steady background noise speech.
  const threshold = Math.max(percentile(energy, 0.1) + o.thresholdDb, o.minLevelDb)

  const runs: Array<{ start: number; end: number; voiced: number }> = []
  let current: { start: number; end: number; voiced: number } | undefined
  let quiet = 0
  for (let f = 0; f < energy.length; f++) {
    const loud = energy[f] >= threshold
    if (loud) {
      if (!current) current = { start: f, end: f + 1, voiced: 0 }
      current.voiced++
      current.end = f + 1
      quiet = 0
    } else if (current && ++quiet > ms(o.hangoverMs)) {
      runs.push(current)
      current = undefined
    }
  }
  if (current) runs.push(current)

  const merged: typeof runs = []
  for (const run of runs) {
    const last = merged[merged.length - 1]
    if (last && run.start - last.end < ms(o.minSilenceMs)) {
      last.end = run.end
      last.voiced += run.voiced
    } else {
      merged.push({ ...run })
    }
  }

  const pad = ms(o.padMs)
  const padded: Array<[number, number]> = []
  for (const run of merged) {
    if (run.voiced < ms(o.minSpeechMs)) continue
    const start = Math.max(0, run.start - pad)
    const end = Math.min(energy.length, run.end + ms(o.hangoverMs) + pad)
    const prev = padded[padded.length - 1]
    if (prev && prev[1] > start) {
      // Padding overlaps: share the pause so no audio is decoded twice.
      const mid = Math.floor((prev[1] + start) / 2)
      prev[1] = mid
      padded.push([mid, end])
    } else {
      padded.push([start, end])
    }
  }

  const spans: SpeechSpan[] = []
  for (const [start, end] of padded) {
    for (const [a, b] of splitLong(energy, start, end, ms(o.maxSpanMs))) {
      spans.push({ start: a * frameLen, end: Math.min(samples.length, b * frameLen) })
    }
  }
  // The tail shorter than one frame belongs to the last span.
  const last = spans[spans.length - 1]
  if (last && padded[padded.length - 1][1] === energy.length) last.end = samples.length
  return spans
}

/** Cuts [start, end) in frames at the quietest frame of its middle half until every piece fits. */
function splitLong(energy: Float32Array, start: number, end: number, max: number): Array<[number, number]> {
  if (end - start <= max) return [[start, end]]
  const from = start + Math.floor((end - start) / 4)
  const to = end - Math.floor((end - start) / 4)
  let cut = from
  for (let f = from; f < to; f++) if (energy[f] < energy[cut]) cut = f
  return [...splitLong(energy, start, cut, max), ...splitLong(energy, cut, end, max)]
}
