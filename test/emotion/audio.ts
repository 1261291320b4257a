import { readWav16k, synthesize, type SynthOptions } from '../fixtures/speech.js'
import type { PcmAudio } from '../../src/stt/types.js'
import type { UtteranceInput } from '../../src/emotion/index.js'

/** Speaks `text` and returns it as one utterance spanning the whole clip. */
export async function spoken(text: string, opts: SynthOptions = { voice: 'rms' }, speaker = 'A') {
  const samples = await readWav16k(await synthesize(text, opts))
  const audio: PcmAudio = { samples, sampleRate: 16000 }
  const utterance: UtteranceInput = { speaker, start: 0, end: samples.length / 16000, text }
  return { audio, utterance }
}

/** Joins clips end to end and shifts each clip's utterance to where it now sits. */
export function conversation(parts: { audio: PcmAudio; utterance: UtteranceInput }[]) {
  const samples = new Float32Array(parts.reduce((n, p) => n + p.audio.samples.length, 0))
  const utterances: UtteranceInput[] = []
  let at = 0
  for (const p of parts) {
    samples.set(p.audio.samples, at)
    const offset = at / 16000
    utterances.push({ ...p.utterance, start: p.utterance.start + offset, end: p.utterance.end + offset })
    at += p.audio.samples.length
  }
  return { audio: { samples, sampleRate: 16000 } as PcmAudio, utterances }
}

export const sine = (hz: number, seconds = 1, amplitude = 0.5) =>
  Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / 16000))
