/**
 * The recognition section of npm run bench:real: word error rate on the dev set's transcribed real clips
 * (studio and their telephone versions) and on synthetic speech through the same phone line, for the
 * engine as the API runs it (telephone model chosen by the audio's band), the engine with the telephone
 * model off, and Debian's pocketsphinx_continuous CLI on the same files as the baseline.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { loadDevset } from './devset/manifest.js'
import { decodeAudio } from '../src/audio/index.js'
import { createSphinxEngine } from '../src/stt/sphinx/index.js'
import type { SttEngine } from '../src/stt/types.js'
import { wordErrors } from '../src/stt/wer.js'
import { synthesize, type Voice } from '../test/fixtures/speech.js'

interface Item {
  source: 'real' | 'synthetic'
  split: 'dev' | 'heldout'
  channel: 'studio' | 'telephone'
  /** the speaker, so read speech (LibriVox) can be quoted on its own */
  speaker: string
  path: string
  text: string
}

const SENTENCES = [
  'Thank you for calling customer support, my name is Sarah and I will be helping you today.',
  'Could you please tell me the account number that is printed on your last bill?',
  'I am sorry to hear that your order arrived late, let me check what happened.',
  'Please hold the line for a moment while I transfer you to the billing team.'
]
const VOICES: Array<{ voice: Voice; split: 'dev' | 'heldout' }> = [
  { voice: 'rms', split: 'dev' },
  { voice: 'slt', split: 'dev' },
  { voice: 'awb', split: 'heldout' }
]

function sox(args: string[]): void {
  const r = spawnSync('sox', ['-V1', ...args])
  if (r.status !== 0) throw new Error(`sox ${args.join(' ')}: ${r.stderr.toString()}`)
}

async function syntheticItems(work: string): Promise<Item[]> {
  const items: Item[] = []
  for (const { voice, split } of VOICES) {
    for (const [i, text] of SENTENCES.entries()) {
      const path = await synthesize(text, { voice, padStart: 0.3, padEnd: 0.6 })
      const phone = join(work, `${voice}-${i}-phone.wav`)
      sox([path, '-r', '8000', '-e', 'mu-law', phone, 'sinc', '300-3400'])
      items.push({ source: 'synthetic', split, channel: 'studio', speaker: voice, path, text })
      items.push({ source: 'synthetic', split, channel: 'telephone', speaker: voice, path: phone, text })
    }
  }
  return items
}

/** The CLI reads 16 kHz 16-bit WAV only: each file is converted first, outside the timing that matters here. */
function cli(path: string, work: string): string {
  const wav = join(work, 'cli.wav')
  sox([path, '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', wav])
  const r = spawnSync('pocketsphinx_continuous', ['-infile', wav], { maxBuffer: 1 << 24 })
  return r.stdout.toString().replace(/\s+/g, ' ')
}

async function engineText(engine: SttEngine, path: string): Promise<string> {
  const audio = await decodeAudio(new Uint8Array(readFileSync(path)), { maxSeconds: 3600 })
  return (await engine.transcribe({ samples: audio.samples, sampleRate: 16000 })).text
}

type Tally = { words: number; engine: number; plain: number; cli: number }

export async function recognition(devset: ReturnType<typeof loadDevset>, verbose: boolean): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'voxlens-bench-wer-'))
  const engine = createSphinxEngine({ poolSize: 2 })
  const plain = createSphinxEngine({ poolSize: 2, telephoneMllr: false })
  try {
    const real: Item[] = devset.manifest.clips
      .filter((c) => c.text)
      .map((c) => ({ source: 'real', split: c.split, channel: c.channel, speaker: c.speaker, path: join(devset.root, c.path), text: c.text! }))
    const items = [...real, ...(await syntheticItems(work))]
    const groups = new Map<string, Tally>()
    const add = (key: string, words: number, e: number, p: number, c: number) => {
      const t = groups.get(key) ?? { words: 0, engine: 0, plain: 0, cli: 0 }
      t.words += words
      t.engine += e
      t.plain += p
      t.cli += c
      groups.set(key, t)
    }
    for (const it of items) {
      const [heard, heardPlain, heardCli] = [await engineText(engine, it.path), await engineText(plain, it.path), cli(it.path, work)]
      const e = wordErrors(it.text, heard)
      const p = wordErrors(it.text, heardPlain)
      const c = wordErrors(it.text, heardCli)
      add(`${it.source}|${it.split}|${it.channel}`, e.refWords, e.errors, p.errors, c.errors)
      if (it.source === 'real' && it.speaker.startsWith('librivox')) add(`librivox|${it.split}|${it.channel}`, e.refWords, e.errors, p.errors, c.errors)
      if (verbose) console.log(`  ${it.source} ${it.split} ${it.channel} ${it.path.split('/').pop()} | ${heard}`)
    }
    const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`
    const widths = [9, 7, 9, 5, 8, 9, 7]
    const row = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' ')
    console.log('word error rate: engine (telephone model picked by band) | engine, model as trained | pocketsphinx_continuous')
    console.log(row(['source', 'split', 'channel', 'words', 'engine', 'as-train', 'CLI']))
    for (const key of [...groups.keys()].sort()) {
      const t = groups.get(key)!
      console.log(row([...key.split('|'), String(t.words), pct(t.engine, t.words), pct(t.plain, t.words), pct(t.cli, t.words)]))
    }
    const rate = (key: string) => {
      const t = groups.get(key)
      return t ? t.engine / t.words : NaN
    }
    const gap = 100 * (rate('real|heldout|telephone') - rate('real|heldout|studio'))
    console.log(
      `real heldout: studio ${(100 * rate('real|heldout|studio')).toFixed(1)}%, telephone ${(100 * rate('real|heldout|telephone')).toFixed(1)}% ` +
        `(gap ${gap.toFixed(1)} points; goal <= 10); LibriVox heldout ${(100 * rate('librivox|heldout|studio')).toFixed(1)}% (goal <= 22%)`
    )
  } finally {
    await engine.close()
    await plain.close()
    rmSync(work, { recursive: true, force: true })
  }
}
