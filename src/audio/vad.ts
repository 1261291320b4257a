/**
 * Energy-based voice-activity detection over 16 kHz mono float32.
 *
 * Each 30 ms frame's energy (dBFS) is compared with an adaptive noise floor: the floor follows quiet frames
 * quickly and loud frames very slowly, so steady background noise (hum, fan, line noise) is learned while a
 * long utterance does not raise it. A frame is speech when it is clearly above the floor and above an
 * absolute minimum; hangover bridges the short dips between words, and min durations remove clicks and
 * breaths.
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
  hangoverMs: 150,
  minSpeechMs: 150,
  minSilenceMs: 300,
  paddingMs: 30,
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
  const hangoverFrames = Math.round(o.hangoverMs / o.frameMs)
  const active = new Uint8Array(energies.length)
  let hang = 0
  for (let f = 0; f < energies.length; f++) {
    const e = energies[f]
    const loud = e > floor + o.thresholdDb && e > o.minSpeechDb
    // Fast down, slow up: the floor tracks noise, not speech.
    floor = e < floor ? 0.8 * floor + 0.2 * e : 0.995 * floor + 0.005 * Math.min(e, floor + o.thresholdDb)
    if (loud) hang = hangoverFrames + 1
    if (hang > 0) {
      active[f] = 1
      hang--
    }
  }
  return regionsFrom(active, o)
}

function regionsFrom(active: Uint8Array, o: Required<VadOptions>): SpeechRegion[] {
  const frameSec = o.frameMs / 1000
  const raw: SpeechRegion[] = []
  for (let f = 0; f < active.length; f++) {
    if (!active[f]) continue
    const start = f
    while (f < active.length && active[f]) f++
    // Hangover frames past the last loud frame are not speech; trim them back for accurate end times.
    const end = Math.max(start + 1, f - Math.round(o.hangoverMs / o.frameMs))
    raw.push({ start: start * frameSec, end: end * frameSec })
  }
  const merged: SpeechRegion[] = []
  for (const region of raw) {
    const last = merged.at(-1)
    if (last && region.start - last.end < o.minSilenceMs / 1000) last.end = region.end
    else merged.push({ ...region })
  }
  const duration = active.length * frameSec
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
