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

// Sentences for long calls: every turn is a new sentence, so a long call never repeats a piece of audio
// (repeated audio makes clusters of identical copies, which no real call has).
const names = ['Sarah', 'Michael', 'Priya', 'Daniel', 'Olivia', 'James', 'Fatima', 'Robert', 'Emma', 'Lucas', 'Grace', 'Thomas']
const items = ['router', 'invoice', 'parcel', 'contract', 'laptop', 'refund', 'subscription', 'booking', 'password', 'delivery', 'phone bill', 'warranty']
const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
const towns = ['Leeds', 'Boston', 'Dublin', 'Denver', 'Glasgow', 'Austin', 'Bristol', 'Seattle', 'Cardiff', 'Phoenix']
type Draw = () => number
const pick = <T>(a: T[], r: Draw): T => a[Math.floor(r() * a.length)]
const num = (r: Draw, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1))
const templates: ((r: Draw) => string)[] = [
  (r) => `I ordered the ${pick(items, r)} on ${pick(days, r)} and it still has not arrived at my address in ${pick(towns, r)}.`,
  (r) => `Could you give me the reference number, it should start with ${num(r, 100, 999)} and end with ${num(r, 10, 99)}?`,
  (r) => `My colleague ${pick(names, r)} told me the ${pick(items, r)} would cost ${num(r, 12, 480)} dollars, is that right?`,
  (r) => `I can see that your ${pick(items, r)} was updated on ${pick(days, r)} at ${num(r, 1, 12)} o'clock.`,
  (r) => `Let me check that for you, it will only take a moment while the system loads your ${pick(items, r)}.`,
  (r) => `We moved to ${pick(towns, r)} about ${num(r, 2, 19)} months ago and nobody changed the address on the account.`,
  (r) => `The charge of ${num(r, 5, 95)} dollars and ${num(r, 10, 99)} cents appeared twice on my statement last ${pick(days, r)}.`,
  (r) => `I have sent a confirmation to the email address ending in ${pick(towns, r).toLowerCase()} dot com, please check your inbox.`,
  (r) => `Is it possible to speak to ${pick(names, r)} again, she was helping me with the ${pick(items, r)} yesterday.`,
  (r) => `Our engineer can visit on ${pick(days, r)} between ${num(r, 8, 11)} in the morning and ${num(r, 1, 5)} in the afternoon.`,
  (r) => `I understand, and I am sorry for the trouble with your ${pick(items, r)}, we will put it right today.`,
  (r) => `That is the ${num(r, 3, 9)}th time this month, and every time I am told it will be fixed by ${pick(days, r)}.`,
  (r) => `Your case number is ${num(r, 1000, 9999)}, and ${pick(names, r)} from the ${pick(towns, r)} office will call you back.`,
  (r) => `Fine, but I would like the ${pick(items, r)} cancelled if nothing happens before ${pick(days, r)}.`,
  (r) => `Please hold the line for ${num(r, 2, 5)} minutes while I transfer the details of your ${pick(items, r)}.`
]

/**
 * A call of a little over `minutes` (turns are planned at 4.8 s and come out nearer 6 s) in which no
 * sentence is said twice:
 * everyone speaks in the first turns, then the next speaker is drawn among the others. Deterministic per seed.
 */
export function longCallLines(voices: Voice[], minutes: number, seed = 1): Line[] {
  let a = seed >>> 0
  const r: Draw = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const said = new Set<string>()
  const lines: Line[] = []
  let speaker = 0
  while (lines.length < Math.round((minutes * 60) / 4.8)) {
    const text = pick(templates, r)(r)
    if (said.has(text)) continue
    said.add(text)
    lines.push({ voice: voices[speaker], text })
    const others = voices.map((_, i) => i).filter((i) => i !== speaker)
    speaker = lines.length < voices.length ? lines.length : pick(others, r)
  }
  return lines
}
