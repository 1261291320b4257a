/**
 * Speech-to-text benchmark: the in-process sphinx engine against Debian's
 * `pocketsphinx_continuous` CLI (same model) on the same synthesized recordings, in one run.
 *
 *   npm run bench:stt [-- --cli-parallel 2]
 */
import { execFile } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { promisify } from 'node:util'
import { concatWavs, readWav16k, synthesize, type Voice } from '../test/fixtures/speech.js'
import { createSphinxEngine } from '../src/stt/sphinx/index.js'
import { wordErrors } from '../src/stt/wer.js'

const run = promisify(execFile)

const sentences = [
  'Thank you for calling customer support, my name is Sarah and I will be helping you today.',
  'Could you please tell me the account number that is printed on your last bill?',
  'I am sorry to hear that your order arrived late, let me check what happened.',
  'The package was sent on Monday and it should reach you by the end of the week.',
  'I would like to change the address on my account because I moved last month.',
  'Is there anything else I can help you with before we finish the call?',
  'Please hold the line for a moment while I transfer you to the billing team.',
  'My internet connection keeps dropping every evening and it is very frustrating.',
  'We can offer you a refund or a replacement, whichever you prefer.',
  'I have been waiting on hold for more than twenty minutes.',
  'Could you spell your last name for me, please?',
  'The new price will appear on your next statement.',
  'Good morning, I am calling about the letter I received yesterday.',
  'Let me read that back to you to make sure I have it right.',
  'We are open from nine in the morning until six in the evening.',
  'I understand your concern and I will do my best to fix this today.',
  'What time would be best for the engineer to visit your home?',
  'Your payment has been received and your account is now up to date.',
  'I practice speaking English every day with my friends at work.',
  'She went to the market to buy some fresh bread and a bottle of milk.',
  'The weather was cold and rainy, so we decided to stay at home.',
  'My brother works at a hospital in the middle of the city.',
  'Can you recommend a good restaurant near the train station?',
  'I usually drink a cup of coffee before I start working.',
  'We should have a meeting next week to talk about the project.',
  'The children were playing in the garden after school.',
  'If you have any questions, please send us an email.',
  'Thank you for your patience, and have a wonderful day.'
]

const voices: Voice[] = ['rms', 'awb', 'slt', 'espeak']
const sentencesPerFile = 4
const filesPerVoice = 4

interface Recording {
  voice: Voice
  text: string
  path: string
  samples: Float32Array
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

/** Each voice reads sixteen sentences, four to a file, with pauses a caller would leave. */
async function makeRecordings(): Promise<Recording[]> {
  const out: Recording[] = []
  let next = 0
  for (const voice of voices) {
    for (let f = 0; f < filesPerVoice; f++) {
      const group = Array.from({ length: sentencesPerFile }, () => sentences[next++ % sentences.length])
      const parts = await Promise.all(group.map((text, i) => synthesize(text, { voice, padStart: i === 0 ? 0.3 : 0, padEnd: 0.8 })))
      const path = await concatWavs(parts, `bench-${voice}-${f}`)
      out.push({ voice, text: group.join(' '), path, samples: await readWav16k(path) })
    }
  }
  return out
}

/** Runs `work` over every item with at most `limit` in flight. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let i = 0
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (i < items.length) {
      const k = i++
      results[k] = await work(items[k])
    }
  })
  await Promise.all(lanes)
  return results
}

interface Score {
  name: string
  wallMs: number
  hyps: string[]
}

function report(score: Score, recs: Recording[], audioSec: number): void {
  const byVoice = new Map<string, { errors: number; words: number }>()
  let errors = 0
  let words = 0
  recs.forEach((rec, i) => {
    const w = wordErrors(rec.text, score.hyps[i])
    const v = byVoice.get(rec.voice) ?? { errors: 0, words: 0 }
    v.errors += w.errors
    v.words += w.refWords
    byVoice.set(rec.voice, v)
    errors += w.errors
    words += w.refWords
  })
  const pct = (e: number, n: number) => `${((100 * e) / n).toFixed(1)}%`
  const flite = [...byVoice].filter(([v]) => v !== 'espeak').reduce((a, [, v]) => ({ e: a.e + v.errors, n: a.n + v.words }), { e: 0, n: 0 })
  const voicesText = [...byVoice].map(([v, s]) => `${v} ${pct(s.errors, s.words)}`).join(', ')
  console.log(
    `${score.name.padEnd(22)} wall ${(score.wallMs / 1000).toFixed(2).padStart(6)} s  RTF ${(score.wallMs / 1000 / audioSec).toFixed(3)}  ` +
      `WER ${pct(errors, words)} (flite ${pct(flite.e, flite.n)}; ${voicesText})`
  )
}

async function main(): Promise<void> {
  const cliParallel = arg('cli-parallel', 1)
  const poolSize = arg('pool', availableParallelism())
  const recs = await makeRecordings()
  const audioSec = recs.reduce((s, r) => s + r.samples.length / 16000, 0)
  console.log(`${recs.length} recordings, ${audioSec.toFixed(1)} s of audio, ${availableParallelism()} cores`)

  const engine = createSphinxEngine({ poolSize })
  const status = await engine.available()
  if (!status.ok) throw new Error(status.reason)
  let t = performance.now()
  await engine.warm?.()
  const warmMs = performance.now() - t

  t = performance.now()
  const engineHyps = (await Promise.all(recs.map((r) => engine.transcribe({ samples: r.samples, sampleRate: 16000 })))).map((tr) => tr.text)
  const engine1 = { name: `in-process (pool ${poolSize})`, wallMs: performance.now() - t, hyps: engineHyps }
  await engine.close()

  t = performance.now()
  const cliHyps = await mapLimit(recs, cliParallel, async (r) => {
    const { stdout } = await run('pocketsphinx_continuous', ['-infile', r.path], { maxBuffer: 1 << 24 })
    return stdout.replace(/\s+/g, ' ')
  })
  const cli = { name: `CLI (${cliParallel} at a time)`, wallMs: performance.now() - t, hyps: cliHyps }

  console.log(`engine warm-up (model load in ${poolSize} workers): ${warmMs.toFixed(0)} ms, not counted below`)
  report(engine1, recs, audioSec)
  report(cli, recs, audioSec)
  console.log(`in-process / CLI wall time: ${(engine1.wallMs / cli.wallMs).toFixed(2)}`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
