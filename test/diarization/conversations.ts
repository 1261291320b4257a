/**
 * Synthetic conversations with known speaker turns: each turn is spoken by one flite voice, the turns are
 * joined with short pauses, and the reference turn times come from the length of each spoken file.
 */
import { readWav16k, synthesize, type Voice } from '../fixtures/speech.js'
import type { SpeakerTurn } from '../../src/diarization/index.js'

export interface Line {
  voice: Voice
  text: string
}

export interface Conversation {
  samples: Float32Array
  reference: SpeakerTurn[]
  /** seconds */
  duration: number
}

const RATE = 16000

/** `pauses` cycle between turns (seconds); a negative pause would overlap, so they must be >= 0. */
export async function buildConversation(lines: Line[], pauses = [0.4, 0.6, 0.3, 0.8, 0.5]): Promise<Conversation> {
  const clips = await Promise.all(lines.map(async (l) => readWav16k(await synthesize(l.text, { voice: l.voice }))))
  const gaps = clips.map((_, i) => (i === 0 ? 0.5 : pauses[(i - 1) % pauses.length]))
  const total = clips.reduce((n, c, i) => n + c.length + Math.round(gaps[i] * RATE), 0) + Math.round(0.5 * RATE)
  const samples = new Float32Array(total)
  const reference: SpeakerTurn[] = []
  let at = 0
  clips.forEach((clip, i) => {
    at += Math.round(gaps[i] * RATE)
    samples.set(clip, at)
    reference.push({ speaker: lines[i].voice, start: at / RATE, end: (at + clip.length) / RATE })
    at += clip.length
  })
  return { samples, reference, duration: total / RATE }
}

/** Adds white noise at `snrDb` below the signal's speech level, deterministically. */
export function withNoise(samples: Float32Array, snrDb: number): Float32Array {
  let power = 0
  let loud = 0
  for (const x of samples) {
    if (Math.abs(x) <= 1e-4) continue
    power += x * x
    loud++
  }
  const sigma = Math.sqrt(power / Math.max(1, loud) / 10 ** (snrDb / 10))
  let seed = 12345
  const uniform = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) + 1) / 0x80000001
  return samples.map((x) => x + sigma * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()))
}

const script = [
  'Thank you for calling customer support, my name is Sarah, how can I help you today?',
  'Hi, my internet connection keeps dropping every evening and it is very frustrating.',
  'I am sorry to hear that. Could you tell me the account number printed on your last bill?',
  'Sure, it is four five seven two nine one.',
  'Thank you. I can see a fault on the line in your area, an engineer is already working on it.',
  'How long will that take? I work from home and I need a stable connection.',
  'It should be fixed by tomorrow morning. I will also add a credit to your account for the trouble.',
  'That would be great, thank you very much.',
  'Is there anything else I can help you with before we finish the call?',
  'No, that is all. Have a nice day.'
]

const third = [
  'Hello, this is the billing team, I have joined the call to help with the credit.',
  'The credit will appear on your next statement, so you do not need to do anything.',
  'If the problem comes back, please call us again and mention this reference.'
]

/** Two speakers alternating through a support call; `voices[0]` speaks first. */
export function twoSpeakerLines(voices: [Voice, Voice], turns = script.length): Line[] {
  return script.slice(0, turns).map((text, i) => ({ voice: voices[i % 2], text }))
}

/** Agent and customer, then a third voice joins; everyone speaks at least three times. */
export function threeSpeakerLines(voices: [Voice, Voice, Voice]): Line[] {
  const [a, b, c] = voices
  return [
    { voice: a, text: script[0] },
    { voice: b, text: script[1] },
    { voice: a, text: script[2] },
    { voice: b, text: script[3] },
    { voice: c, text: third[0] },
    { voice: b, text: script[5] },
    { voice: c, text: third[1] },
    { voice: a, text: script[6] },
    { voice: c, text: third[2] },
    { voice: b, text: script[7] },
    { voice: a, text: script[8] }
  ]
}

/** One voice reading the whole script with natural pauses. */
export function monologueLines(voice: Voice, turns = 6): Line[] {
  return script.slice(0, turns).map((text) => ({ voice, text }))
}
