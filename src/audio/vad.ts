/**
 * Energy-based voice-activity detection over 16 kHz mono float32.
 *
 * Each 30 ms frame's energy (dBFS) is compared with an adaptive noise floor: the floor follows quiet frames
 * quickly and loud frames very slowly, so steady background noise (hum, fan, line noise) is learned while a
 * long utterance does not raise it. A frame is speech when it is clearly above the floor and above an
 * absolute minimum; hangover keeps soft word endings, pauses shorter than minSilence stay inside a region,
 * and isolated clicks and regions shorter than minSpeech are dropped.
 */

export interface SpeechRegion {
  /** Seconds. */
  start: number
  end: number
}

export interface VadOptions {
  sampleRate?: number
  frameMs?: number
  /** How far above the noise floor a frame must be to count as speech. */
  thresholdDb?: number
  /** Frames quieter than this are never speech, whatever the floor. */
  minSpeechDb?: number
  /** Speech continues this long after the last loud frame. */
  hangoverMs?: number
  minSpeechMs?: number
  /** Gaps shorter than this between two regions are merged. */
  minSilenceMs?: number
  /** Extra context added to both ends of a region. */
  paddingMs?: number
}

const DEFAULTS: Required<VadOptions> = {
  sampleRate: 16000,
  frameMs: 30,
  thresholdDb: 10,
  minSpeechDb: -50,
  hangoverMs: 60,
  minSpeechMs: 150,
  minSilenceMs: 300,
  paddingMs: 20
}

/** Energy per frame in dBFS (a full-scale sine is -3 dB). */
export function frameEnergies(samples: Float32Array, frameLength: number): Float32Array {
  const frames = Math.floor(samples.length / frameLength)
  const energies = new Float32Array(frames)
  for (let f = 0; f < frames; f++) {
    let sum = 0
    for (let i = f * frameLength, end = i + frameLength; i < end; i++) sum += samples[i] * samples[i]
    energies[f] = 10 * Math.log10(sum / frameLength + 1e-12)
  }
  return energies
}

export function detectSpeech(samples: Float32Array, options: VadOptions = {}): SpeechRegion[] {
  const o = { ...DEFAULTS, ...options }
  const frameLength = Math.round((o.sampleRate * o.frameMs) / 1000)
  const energies = frameEnergies(samples, frameLength)
  if (energies.length === 0) return []

  // Seed the floor from the quietest tenth of frames, so a recording that starts mid-sentence still works.
  const sorted = Float32Array.from(energies).sort()
  let floor = sorted[Math.floor(sorted.length * 0.1)]
  const loud = new Uint8Array(energies.length)
  for (let f = 0; f < energies.length; f++) {
    const e = energies[f]
    loud[f] = e > floor + o.thresholdDb && e > o.minSpeechDb ? 1 : 0
    // Fast down, slow up: the floor tracks noise, not speech.
    floor = e < floor ? 0.8 * floor + 0.2 * e : 0.995 * floor + 0.005 * Math.min(e, floor + o.thresholdDb)
  }
  return regionsFrom(loud, energies, o)
}

// A run of loud frames shorter than this is a click or a lip smack, not speech.
const MIN_BURST_FRAMES = 2
// Bursts this far below the speech they follow are not merged into it.
const MERGE_RANGE_DB = 30

function regionsFrom(loud: Uint8Array, energies: Float32Array, o: Required<VadOptions>): SpeechRegion[] {
  const frameSec = o.frameMs / 1000
  const duration = loud.length * frameSec
  const merged: Array<SpeechRegion & { peak: number }> = []
  for (let f = 0; f < loud.length; f++) {
    if (!loud[f]) continue
    const start = f
    let peak = -Infinity
    for (; f < loud.length && loud[f]; f++) peak = Math.max(peak, energies[f])
    if (f - start < MIN_BURST_FRAMES) continue
    // Hangover: speech stays on a little after the energy drops, so soft word endings are kept.
    const region = { start: start * frameSec, end: Math.min(duration, f * frameSec + o.hangoverMs / 1000), peak }
    const last = merged.at(-1)
    // A faint burst just after speech (a click, a breath) must not stretch the region it follows.
    if (last && region.start - last.end < o.minSilenceMs / 1000 && peak > last.peak - MERGE_RANGE_DB) {
      last.end = region.end
      last.peak = Math.max(last.peak, peak)
    } else merged.push(region)
  }
  const pad = o.paddingMs / 1000
  return merged
    .filter((r) => r.end - r.start >= o.minSpeechMs / 1000)
    .map((r) => ({ start: Math.max(0, round(r.start - pad)), end: Math.min(duration, round(r.end + pad)) }))
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000
}

/** True when nothing in the signal rises above the speech minimum (digital silence or faint noise). */
export function isSilent(samples: Float32Array, options: VadOptions = {}): boolean {
  return detectSpeech(samples, options).length === 0
}
