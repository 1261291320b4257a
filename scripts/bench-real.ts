/**
 * Quality on real voices, next to the synthetic numbers, in one run. Each section reads the dev set that
 * scripts/devset/build.ts makes (built on first use) and prints its own table; tune on "dev", quote
 * "heldout".
 *
 *   npm run bench:real                      every section
 *   npm run bench:real -- diarization       one section (diarization | wer)
 *   npm run bench:real -- diarization --verbose   every call, and for calls above 5% DER the seconds of
 *                                                 each real speaker under each label found
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { CALLS_FILE, DEFAULT_DEVSET, loadDevset, readClip, type ManifestConversation, type Split } from './devset/manifest.js'
import { createBuiltinDiarizer, diarizationErrorRate, type DiarizationEngine } from '../src/diarization/index.js'
import { buildConversation, threeSpeakerLines, twoSpeakerLines } from '../test/diarization/conversations.js'
import { recognition } from './bench-real-wer.js'

interface Section {
  name: string
  run(devset: ReturnType<typeof loadDevset>): Promise<void>
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`

// ---------------------------------------------------------------------------------------------------
// Diarization: DER (0.25 s collar) and its parts, and how often the speaker count comes out right.
// ---------------------------------------------------------------------------------------------------

interface Call {
  name: string
  source: 'real' | 'synthetic'
  split: Split
  channel: 'studio' | 'telephone'
  speakers: number
  samples: Float32Array
  reference: { speaker: string; start: number; end: number }[]
  duration: number
}

interface Tally {
  calls: number
  countRight: number
  scored: number
  missed: number
  falseAlarm: number
  confusion: number
  audio: number
  seconds: number
}

/** The phone line the dev set uses, applied to synthetic calls so both sources meet the same channel. */
function throughPhoneLine(samples: Float32Array): Float32Array {
  const bytes = Buffer.alloc(samples.length * 2)
  samples.forEach((x, i) => bytes.writeInt16LE(Math.round(Math.max(-1, Math.min(1, x)) * 32767), 2 * i))
  const raw = ['-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1']
  const phone = spawnSync('sox', ['-V1', '-D', ...raw, '-r', '16000', '-', '-t', 'wav', '-r', '8000', '-e', 'mu-law', '-b', '8', '-', 'sinc', '300-3400'], {
    input: bytes,
    maxBuffer: 1 << 30
  })
  const back = spawnSync('sox', ['-V1', '-D', '-t', 'wav', '-', ...raw, '-r', '16000', '-'], { input: phone.stdout, maxBuffer: 1 << 30 })
  const out = new Float32Array(back.stdout.length >> 1)
  for (let i = 0; i < out.length; i++) out[i] = back.stdout.readInt16LE(2 * i) / 32768
  return out
}

async function syntheticCalls(): Promise<Call[]> {
  const plans = [
    { name: 'rms/slt', lines: twoSpeakerLines(['rms', 'slt']), split: 'dev' as Split },
    { name: 'slt/awb', lines: twoSpeakerLines(['slt', 'awb']), split: 'heldout' as Split },
    { name: 'rms/slt/awb', lines: threeSpeakerLines(['rms', 'slt', 'awb']), split: 'dev' as Split },
    { name: 'slt/awb/espeak', lines: threeSpeakerLines(['slt', 'awb', 'espeak']), split: 'heldout' as Split }
  ]
  const calls: Call[] = []
  for (const p of plans) {
    const conv = await buildConversation(p.lines)
    const speakers = new Set(conv.reference.map((t) => t.speaker)).size
    const base = { name: p.name, source: 'synthetic' as const, split: p.split, speakers, reference: conv.reference, duration: conv.duration }
    calls.push({ ...base, channel: 'studio', samples: conv.samples })
    calls.push({ ...base, channel: 'telephone', samples: throughPhoneLine(conv.samples) })
  }
  return calls
}

function realCalls(devset: ReturnType<typeof loadDevset>): Call[] {
  return devset.manifest.conversations.map((c: ManifestConversation) => ({
    name: c.id,
    source: 'real',
    split: c.split,
    channel: c.channel,
    speakers: c.speakers.length,
    samples: readClip(devset.root, c.path, 16000),
    reference: c.turns,
    duration: c.duration
  }))
}

/** Seconds of each reference speaker's talk under each found label: shows which voice was split or merged. */
function whoWentWhere(reference: Call['reference'], found: { speaker: string; start: number; end: number }[]): string {
  const labels = [...new Set(found.map((t) => t.speaker))].sort()
  return [...new Set(reference.map((t) => t.speaker))]
    .map((who) => {
      const cells = labels.map((label) => {
        let overlap = 0
        for (const r of reference.filter((t) => t.speaker === who)) {
          for (const h of found.filter((t) => t.speaker === label)) overlap += Math.max(0, Math.min(r.end, h.end) - Math.max(r.start, h.start))
        }
        return `${label} ${overlap.toFixed(1)}s`
      })
      return `      ${who.padEnd(24)} ${cells.join('  ')}`
    })
    .join('\n')
}

async function scoreCalls(engine: DiarizationEngine, calls: Call[], verbose: boolean): Promise<Map<string, Tally>> {
  const groups = new Map<string, Tally>()
  for (const c of calls) {
    const started = performance.now()
    const result = await engine.diarize({ samples: c.samples, sampleRate: 16000 })
    const seconds = (performance.now() - started) / 1000
    const der = diarizationErrorRate(c.reference, result.turns)
    const found = result.speakers.length
    if (verbose) {
      console.log(
        `  ${c.source.padEnd(9)} ${c.split.padEnd(7)} ${c.channel.padEnd(9)} ${c.name.padEnd(40)} ${`${found}/${c.speakers}`.padStart(5)} DER ${pct(der.rate).padStart(6)} conf ${pct(der.confusion / der.scored).padStart(6)}`
      )
      if (der.rate > 0.05) console.log(whoWentWhere(c.reference, result.turns))
    }
    const key = `${c.source}|${c.split}|${c.channel}|${c.speakers}`
    const t = groups.get(key) ?? { calls: 0, countRight: 0, scored: 0, missed: 0, falseAlarm: 0, confusion: 0, audio: 0, seconds: 0 }
    t.calls++
    t.countRight += found === c.speakers ? 1 : 0
    t.scored += der.scored
    t.missed += der.missed
    t.falseAlarm += der.falseAlarm
    t.confusion += der.confusion
    t.audio += c.duration
    t.seconds += seconds
    groups.set(key, t)
  }
  return groups
}

// The goals on real voices (DER with a 0.25 s collar, and its speaker-confusion part).
const DER_GOAL = 0.1
const CONFUSION_GOAL = 0.05
const againstGoal = (rate: number, goal: number) =>
  rate <= goal ? `goal <= ${pct(goal)} met` : `goal <= ${pct(goal)}: ${(100 * (rate - goal)).toFixed(1)} points over`

function printTallies(groups: Map<string, Tally>): void {
  const head = ['source', 'split', 'channel', 'spk', 'calls', 'DER', 'miss', 'FA', 'confusion', 'count ok', 'speed']
  const widths = [9, 7, 9, 3, 5, 7, 6, 6, 9, 8, 7]
  const row = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' ')
  console.log(row(head))
  const keys = [...groups.keys()].sort()
  for (const key of keys) {
    const t = groups.get(key)!
    const [source, split, channel, spk] = key.split('|')
    const der = (t.missed + t.falseAlarm + t.confusion) / t.scored
    console.log(
      row([
        source,
        split,
        channel,
        spk,
        String(t.calls),
        pct(der),
        pct(t.missed / t.scored),
        pct(t.falseAlarm / t.scored),
        pct(t.confusion / t.scored),
        `${t.countRight}/${t.calls}`,
        `${(t.audio / t.seconds).toFixed(0)}x`
      ])
    )
  }
  for (const split of ['dev', 'heldout']) {
    const all = keys.filter((k) => k.startsWith(`real|${split}|`)).map((k) => groups.get(k)!)
    if (all.length === 0) continue
    const sum = (f: (t: Tally) => number) => all.reduce((n, t) => n + f(t), 0)
    const scored = sum((t) => t.scored)
    const der = sum((t) => t.missed + t.falseAlarm + t.confusion) / scored
    const confusion = sum((t) => t.confusion) / scored
    console.log(
      `real ${split}: DER ${pct(der)} (${againstGoal(der, DER_GOAL)}), confusion ${pct(confusion)} (${againstGoal(confusion, CONFUSION_GOAL)}), ` +
        `speaker count right in ${sum((t) => t.countRight)}/${sum((t) => t.calls)} calls`
    )
  }
}

const diarization: Section = {
  name: 'diarization',
  async run(devset) {
    const calls = [...realCalls(devset), ...(await syntheticCalls())]
    const engine = createBuiltinDiarizer({ poolSize: 1 })
    await engine.diarize({ samples: calls[0].samples.slice(0, 16000 * 5), sampleRate: 16000 })
    console.log('diarization, built-in engine (DER with a 0.25 s collar; parts are shares of scored speech)')
    const groups = await scoreCalls(engine, calls, process.argv.includes('--verbose'))
    await engine.close()
    printTallies(groups)
  }
}

// ---------------------------------------------------------------------------------------------------

// Recognition: word error rate, wideband and telephone, with the pocketsphinx CLI as the baseline.
const recognitionSection: Section = {
  name: 'wer',
  run: (devset) => recognition(devset, process.argv.includes('--verbose'))
}

const sections: Section[] = [diarization, recognitionSection]

async function main(): Promise<void> {
  if (!existsSync(`${DEFAULT_DEVSET}/manifest.json`)) {
    const built = spawnSync('npx', ['tsx', 'scripts/devset/build.ts'], { stdio: 'inherit' })
    if (built.status !== 0) throw new Error('building the dev set failed')
  } else if (!existsSync(`${DEFAULT_DEVSET}/${CALLS_FILE}`)) {
    // A dev set from before calls.json: its conversations repeat audio, so build the new ones beside them.
    const built = spawnSync('npx', ['tsx', 'scripts/devset/build.ts', '--calls-only'], { stdio: 'inherit' })
    if (built.status !== 0) throw new Error('building the dev set conversations failed')
  }
  const devset = loadDevset()
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'))
  for (const s of sections) {
    if (wanted.length && !wanted.includes(s.name)) continue
    console.log(`\n== ${s.name} ==`)
    await s.run(devset)
  }
}

await main()
