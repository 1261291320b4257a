/**
 * Diarization benchmark: the built-in engine on synthetic calls with known turns, against two naive
 * baselines scored in the same run (everything is one speaker; speech regions alternate A/B).
 *
 *   npm run bench:diarization
 *
 * Then calls of 4-12 minutes that never repeat a sentence (speaker count and DER). Ends with the cost of
 * one hour of two-speaker audio: the rms/slt call repeated to 5 and 10 minutes is diarized, the CPU seconds of the whole process (the worker thread included) are measured for each, and
 * the straight line through the two points is extrapolated to 60 minutes. Repeated audio costs what new
 * audio of the same length costs; the extrapolation is printed as such.
 */
import { detectSpeech } from '../src/audio/vad.js'
import { createBuiltinDiarizer, diarizationErrorRate, type SpeakerTurn } from '../src/diarization/index.js'
import {
  buildConversation,
  longCallLines,
  threeSpeakerLines,
  twoSpeakerLines,
  withNoise,
  type Conversation,
  type Line
} from '../test/diarization/conversations.js'

interface Case {
  name: string
  lines: Line[]
  pauses?: number[]
  snrDb?: number
}

const cases: Case[] = [
  { name: '2 spk rms/slt', lines: twoSpeakerLines(['rms', 'slt']) },
  { name: '2 spk slt/awb', lines: twoSpeakerLines(['slt', 'awb']) },
  { name: '2 spk rms/awb, no pauses', lines: twoSpeakerLines(['rms', 'awb']), pauses: [0] },
  { name: '2 spk awb/espeak, 20 dB noise', lines: twoSpeakerLines(['awb', 'espeak']), snrDb: 20 },
  { name: '3 spk rms/slt/awb', lines: threeSpeakerLines(['rms', 'slt', 'awb']) },
  { name: '3 spk slt/awb/espeak, no pauses', lines: threeSpeakerLines(['slt', 'awb', 'espeak']), pauses: [0] }
]

// Calls of several minutes in which no sentence comes twice: the speaker count of a long call is decided
// among many more clusters than a short one's, and a call centre's calls last minutes.
const longCases: Case[] = [
  { name: 'long 2 spk rms/slt', lines: longCallLines(['rms', 'slt'], 3, 1) },
  { name: 'long 2 spk rms/awb', lines: longCallLines(['rms', 'awb'], 5, 3) },
  { name: 'long 2 spk kal/slt', lines: longCallLines(['kal', 'slt'], 10, 4) },
  { name: 'long 3 spk rms/slt/awb', lines: longCallLines(['rms', 'slt', 'awb'], 5, 5) },
  { name: 'long 3 spk kal/slt/espeak', lines: longCallLines(['kal', 'slt', 'espeak'], 8, 6) }
]

function oneSpeaker(samples: Float32Array): SpeakerTurn[] {
  return detectSpeech(samples).map((r) => ({ speaker: 'A', ...r }))
}

function alternating(samples: Float32Array): SpeakerTurn[] {
  return detectSpeech(samples).map((r, i) => ({ speaker: i % 2 ? 'B' : 'A', ...r }))
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`.padStart(8)

async function main(): Promise<void> {
  const conversations: (Case & Conversation)[] = []
  for (const c of cases) {
    const conv = await buildConversation(c.lines, c.pauses)
    conversations.push({ ...c, ...conv, samples: c.snrDb === undefined ? conv.samples : withNoise(conv.samples, c.snrDb) })
  }
  const engine = createBuiltinDiarizer({ poolSize: 1 })
  // The first call starts the worker thread; steady-state speed is what a server sees.
  await engine.diarize({ samples: conversations[0].samples.slice(0, 16000 * 5), sampleRate: 16000 })

  console.log(
    `${'conversation'.padEnd(34)} ${'audio'.padStart(6)} ${'speakers'.padStart(8)} ${'DER'.padStart(8)} ${'1-spk'.padStart(8)} ${'alt'.padStart(8)} ${'speed'.padStart(8)}`
  )
  const totals = { audio: 0, time: 0, scored: 0, errors: 0, strictScored: 0, strictErrors: 0, oneSpeaker: 0, alternating: 0 }
  for (const c of conversations) {
    const started = performance.now()
    const result = await engine.diarize({ samples: c.samples, sampleRate: 16000 })
    const seconds = (performance.now() - started) / 1000
    const der = diarizationErrorRate(c.reference, result.turns)
    const strict = diarizationErrorRate(c.reference, result.turns, { collar: 0 })
    const base1 = diarizationErrorRate(c.reference, oneSpeaker(c.samples))
    const base2 = diarizationErrorRate(c.reference, alternating(c.samples))
    const truth = new Set(c.reference.map((t) => t.speaker)).size
    totals.audio += c.duration
    totals.time += seconds
    totals.scored += der.scored
    totals.errors += der.rate * der.scored
    totals.strictScored += strict.scored
    totals.strictErrors += strict.rate * strict.scored
    totals.oneSpeaker += base1.rate * base1.scored
    totals.alternating += base2.rate * base2.scored
    const found = `${result.speakers.length}/${truth}`.padStart(8)
    console.log(
      `${c.name.padEnd(34)} ${c.duration.toFixed(1).padStart(5)}s ${found} ${pct(der.rate)} ${pct(base1.rate)} ${pct(base2.rate)} ${`${(c.duration / seconds).toFixed(0)}x`.padStart(8)}`
    )
  }
  console.log(`\nlong calls, no audio repeated (speakers found/true, DER with a 0.25 s collar)`)
  let longRight = 0
  for (const c of longCases) {
    const conv = await buildConversation(c.lines)
    const result = await engine.diarize({ samples: conv.samples, sampleRate: 16000 })
    const truth = new Set(conv.reference.map((t) => t.speaker)).size
    longRight += result.speakers.length === truth ? 1 : 0
    const der = diarizationErrorRate(conv.reference, result.turns)
    console.log(
      `${c.name.padEnd(34)} ${`${(conv.duration / 60).toFixed(1)}m`.padStart(6)} ${`${result.speakers.length}/${truth}`.padStart(8)} ${pct(der.rate)}`
    )
  }
  console.log(`long calls: speaker count right in ${longRight}/${longCases.length}`)
  const cost = await hourCost(engine, conversations[0].samples)
  await engine.close()

  const der = totals.errors / totals.scored
  const best = Math.min(totals.oneSpeaker, totals.alternating) / totals.scored
  console.log(
    `\noverall: ${totals.audio.toFixed(0)} s of audio, DER ${pct(der).trim()} (collar 0.25 s; ${pct(totals.strictErrors / totals.strictScored).trim()} without a collar), ${(totals.audio / totals.time).toFixed(0)}x real time on one worker thread`
  )
  console.log(`baselines: one speaker ${pct(totals.oneSpeaker / totals.scored).trim()}, alternating regions ${pct(totals.alternating / totals.scored).trim()}`)
  console.log(cost)
  console.log(`built-in DER is ${der > 0 ? `${(best / der).toFixed(1)}x lower than` : 'zero against'} the better baseline (${pct(best).trim()})`)
}

await main()

/** CPU and wall seconds for one hour of two-speaker audio, extrapolated from 5- and 10-minute runs. */
async function hourCost(engine: ReturnType<typeof createBuiltinDiarizer>, call: Float32Array): Promise<string> {
  const points: { minutes: number; cpu: number; wall: number }[] = []
  for (const minutes of [5, 10]) {
    const samples = new Float32Array(minutes * 60 * 16000)
    for (let at = 0; at < samples.length; at += call.length) samples.set(call.subarray(0, Math.min(call.length, samples.length - at)), at)
    const cpu = process.cpuUsage()
    const started = performance.now()
    await engine.diarize({ samples, sampleRate: 16000 })
    const used = process.cpuUsage(cpu)
    points.push({ minutes, cpu: (used.user + used.system) / 1e6, wall: (performance.now() - started) / 1000 })
  }
  const [a, b] = points
  const at60 = (f: (p: (typeof points)[number]) => number) => f(a) + ((f(b) - f(a)) * (60 - a.minutes)) / (b.minutes - a.minutes)
  const measured = points.map((p) => `${p.minutes} min: ${p.cpu.toFixed(1)} s CPU, ${p.wall.toFixed(1)} s wall`).join('; ')
  return `1-hour cost (two speakers, extrapolated linearly from measured runs of the rms/slt call repeated, ${measured}): ${at60((p) => p.cpu).toFixed(0)} s CPU, ${at60((p) => p.wall).toFixed(0)} s wall on one worker thread (${(3600 / at60((p) => p.wall)).toFixed(0)}x real time)`
}
