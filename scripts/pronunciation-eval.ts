/**
 * Measures how well goodness of pronunciation (GOP) tells a word said as expected from a mispronounced one,
 * on real recordings (.devset/, `npm run devset`). Mispronunciations are simulated the usual way: the audio
 * stays, the expected pronunciation of one word changes (one phone swapped for a confusable one, or the
 * whole word swapped for another word), so a correctly read word should score high and an altered one low.
 *
 *   npx tsx scripts/pronunciation-eval.ts [--cache <trials.json>]   (decoded trials are cached there; delete to decode again)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GOP_MID, GOP_SCALE, MISPRONOUNCED_BELOW, UNFLAGGED_WORDS } from '../src/coach/pronunciation/assess.js'
import { loadPronunciations, referenceWords } from '../src/coach/pronunciation/dictionary.js'
import {
  SCORING_DECODER_ARGS,
  alignPhones,
  phoneLoopFrames,
  prepareDecoder,
  recordingMean,
  type PhoneGop,
  type ScoringDecoder
} from '../src/coach/pronunciation/gop.js'
import { DEFAULT_MODEL_DIR, decoderArgs, loadAddon } from '../src/stt/sphinx/native.js'

const DEVSET = join(process.cwd(), '.devset')

interface Clip {
  text?: string
  split: 'dev' | 'heldout'
  path: string
  channel: string
  speaker: string
}

function readPcm16(path: string): Int16Array {
  const bytes = readFileSync(path)
  let o = 12
  while (o + 8 <= bytes.length) {
    const id = bytes.toString('ascii', o, o + 4)
    const size = bytes.readUInt32LE(o + 4)
    if (id === 'data') return new Int16Array(bytes.buffer.slice(bytes.byteOffset + o + 8, bytes.byteOffset + o + 8 + size))
    o += 8 + size + (size & 1)
  }
  throw new Error(`no data chunk in ${path}`)
}

const CONFUSABLE: Record<string, string[]> = {
  IY: ['IH', 'EY'],
  IH: ['IY', 'EH'],
  EH: ['AE', 'IH'],
  AE: ['EH', 'AH'],
  AH: ['AA', 'AE'],
  AA: ['AH', 'AO'],
  AO: ['AA', 'OW'],
  UH: ['UW', 'AH'],
  UW: ['UH', 'OW'],
  OW: ['AO', 'UW'],
  EY: ['EH', 'IY'],
  AY: ['AA', 'EY'],
  AW: ['AO', 'AA'],
  ER: ['AH', 'AA'],
  OY: ['AO', 'OW'],
  P: ['B', 'F'],
  B: ['P', 'V'],
  T: ['D', 'TH'],
  D: ['T', 'DH'],
  K: ['G', 'T'],
  G: ['K', 'D'],
  F: ['V', 'P'],
  V: ['W', 'F'],
  TH: ['S', 'T'],
  DH: ['D', 'Z'],
  S: ['SH', 'Z'],
  Z: ['S', 'ZH'],
  SH: ['S', 'CH'],
  ZH: ['SH', 'JH'],
  CH: ['SH', 'JH'],
  JH: ['CH', 'ZH'],
  L: ['R', 'W'],
  R: ['L', 'W'],
  W: ['V', 'R'],
  M: ['N', 'B'],
  N: ['M', 'NG'],
  NG: ['N', 'G'],
  HH: ['K', 'F'],
  Y: ['JH', 'IY']
}

// A small seeded generator so every run picks the same alterations.
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

type WordScorer = (p: PhoneGop[]) => number
const frames = (x: PhoneGop) => x.end - x.start
const SCORERS: Record<string, WordScorer> = {
  mean: (p) => p.reduce((a, x) => a + x.gop, 0) / p.length,
  frames: (p) => p.reduce((a, x) => a + x.gop * frames(x), 0) / p.reduce((a, x) => a + frames(x), 0),
  min: (p) => Math.min(...p.map((x) => x.gop))
}

interface Trial {
  split: string
  clip: string
  kind: 'correct' | 'phone' | 'word'
  word: string
  phones: PhoneGop[]
}

function auc(pos: number[], neg: number[]): number {
  // Probability that a correct word scores above an altered one (ties count half).
  let s = 0
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0
  return s / (pos.length * neg.length)
}

function eer(pos: number[], neg: number[]): { eer: number; threshold: number } {
  const ts = [...pos, ...neg].sort((a, b) => a - b)
  let best = { eer: 1, threshold: 0, gap: Infinity }
  for (const t of ts) {
    const frr = pos.filter((p) => p < t).length / pos.length
    const far = neg.filter((n) => n >= t).length / neg.length
    if (Math.abs(frr - far) < best.gap) best = { eer: (frr + far) / 2, threshold: t, gap: Math.abs(frr - far) }
  }
  return { eer: best.eer, threshold: best.threshold }
}

const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(2)).join(' ')
}

// Frames of context kept around the scored word's neighbours.
const PAD = 10

/** Every trial of one clip: each word said as read, then with its pronunciation altered, in a window of its neighbours. */
function clipTrials(d: ScoringDecoder, clip: Clip, dict: Map<string, string[]>, vocabulary: string[], lm: string, random: () => number): Trial[] {
  const pcm = readPcm16(join(DEVSET, clip.path))
  const words = referenceWords(clip.text!).map((w) => w.word)
  if (!words.every((w) => dict.has(w))) {
    console.error(`skip ${clip.path}: ${words.filter((w) => !dict.has(w)).join(' ')} not in the dictionary`)
    return []
  }
  const prons = words.map((w) => dict.get(w)!)
  const cmn = recordingMean(d, pcm)
  const whole = alignPhones(d, pcm, prons, phoneLoopFrames(d, pcm, lm, cmn), cmn)
  if (!whole) {
    console.error(`skip ${clip.path}: alignment failed`)
    return []
  }
  const trials: Trial[] = []
  for (let i = 0; i < words.length; i++) {
    const from = Math.max(0, i - 1)
    const to = Math.min(words.length - 1, i + 1)
    const first = Math.max(0, whole[from][0].start - PAD)
    const last = whole[to].at(-1)!.end + PAD
    const window = pcm.subarray(first * 160, last * 160)
    const loop = phoneLoopFrames(d, window, lm, cmn)
    const pron = prons[i]
    const alterations: { kind: Trial['kind']; pron: string[] }[] = [{ kind: 'correct', pron }]
    for (const at of [...pron.keys()].sort(() => random() - 0.5).slice(0, 2)) {
      const options = CONFUSABLE[pron[at]]
      alterations.push({ kind: 'phone', pron: pron.map((p, j) => (j === at ? options[Math.floor(random() * options.length)] : p)) })
    }
    const others = vocabulary.filter((w) => w !== words[i] && Math.abs(dict.get(w)!.length - pron.length) <= 1 && dict.get(w)!.join() !== pron.join())
    if (others.length) alterations.push({ kind: 'word', pron: dict.get(others[Math.floor(random() * others.length)])! })
    for (const a of alterations) {
      const context = prons.slice(from, to + 1).map((p, j) => (from + j === i ? a.pron : p))
      const scored = alignPhones(d, window, context, loop, cmn)
      if (scored) trials.push({ split: clip.split, clip: clip.path, kind: a.kind, word: `${words[i]}:${a.pron.join(' ')}`, phones: scored[i - from] })
    }
  }
  return trials
}

function collect(cache: string): Trial[] {
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as Trial[]
  const { addon, error } = loadAddon()
  if (!addon) throw error ?? new Error('sphinx addon missing')
  const d = new addon.Decoder(decoderArgs({}, SCORING_DECODER_ARGS)) as unknown as ScoringDecoder
  prepareDecoder(d)
  const dict = loadPronunciations(`${DEFAULT_MODEL_DIR}/cmudict-en-us.dict`)
  const lm = `${DEFAULT_MODEL_DIR}/en-us-phone.lm.bin`
  const manifest = JSON.parse(readFileSync(join(DEVSET, 'manifest.json'), 'utf8')) as { clips: Clip[] }
  const clips = manifest.clips.filter((c) => c.channel === 'studio' && c.text)
  const vocabulary = [...new Set(clips.flatMap((c) => referenceWords(c.text!).map((w) => w.word)))].filter((w) => dict.has(w))
  const random = rng(11)
  const trials: Trial[] = []
  const t0 = performance.now()
  for (const clip of clips) {
    trials.push(...clipTrials(d, clip, dict, vocabulary, lm, random))
    console.error(`${clip.path}: ${trials.length} trials, ${((performance.now() - t0) / 1000).toFixed(1)} s so far`)
  }
  writeFileSync(cache, JSON.stringify(trials))
  return trials
}

/** Detection at the threshold chosen on dev, as the learner would see it: flagged words among each kind. */
function atDevThreshold(trials: Trial[]) {
  const score = SCORERS.mean
  const dev = trials.filter((t) => t.split === 'dev')
  const { threshold } = eer(
    dev.filter((t) => t.kind === 'correct').map((t) => score(t.phones)),
    dev.filter((t) => t.kind !== 'correct').map((t) => score(t.phones))
  )
  console.log(`\nmean GOP threshold from dev (equal error): ${threshold.toFixed(2)} nats a frame; words flagged:`)
  for (const split of ['dev', 'heldout']) {
    const share = (kind: Trial['kind']) => {
      const here = trials.filter((t) => t.split === split && t.kind === kind)
      return `${kind} ${((100 * here.filter((t) => score(t.phones) < threshold).length) / here.length).toFixed(0)}%`
    }
    console.log(`  ${split}: ${share('correct')}, ${share('phone')}, ${share('word')}`)
  }
}

/**
 * The threshold the coach ships: the highest mean GOP that flags at most `rate` of the dev split's correctly
 * read words, with the held-out false flags and the recall of each kind of alteration at it.
 */
function atFalseFlagRate(trials: Trial[], rate: number) {
  const correct = trials.filter((t) => t.split === 'dev' && t.kind === 'correct')
  const flaggable = correct
    .filter((t) => !UNFLAGGED_WORDS.has(t.word.split(':')[0]))
    .map((t) => SCORERS.mean(t.phones))
    .sort((a, b) => a - b)
  // Words strictly below the k-th lowest flaggable score are flagged: k of them at most.
  const k = Math.floor(rate * correct.length)
  atThreshold(trials, flaggable[Math.min(k, flaggable.length - 1)], `flagging at most ${rate * 100}% of dev's correct words`)
}

function atThreshold(trials: Trial[], threshold: number, what: string) {
  // As the coach flags: unstressed function words are never flagged.
  const score = (p: PhoneGop[], word: string) => (UNFLAGGED_WORDS.has(word.split(':')[0]) ? Infinity : SCORERS.mean(p))
  console.log(`\nmean GOP threshold ${what}: ${threshold.toFixed(2)} nats a frame; words flagged:`)
  for (const split of ['dev', 'heldout']) {
    const share = (kind: Trial['kind']) => {
      const here = trials.filter((t) => t.split === split && t.kind === kind)
      const flagged = here.filter((t) => score(t.phones, t.word) < threshold).length
      return `${kind} ${((100 * flagged) / here.length).toFixed(0)}% (${flagged}/${here.length})`
    }
    console.log(`  ${split}: ${share('correct')}, ${share('phone')}, ${share('word')}`)
    const content = (kind: Trial['kind']) => {
      const here = trials.filter((t) => t.split === split && t.kind === kind && !UNFLAGGED_WORDS.has(t.word.split(':')[0]))
      const flagged = here.filter((t) => score(t.phones, t.word) < threshold).length
      return `${kind} ${((100 * flagged) / here.length).toFixed(0)}% (${flagged}/${here.length})`
    }
    console.log(`  ${split}, content words only: ${content('correct')}, ${content('phone')}, ${content('word')}`)
  }
}

function report(trials: Trial[]) {
  for (const split of ['dev', 'heldout']) {
    const here = trials.filter((t) => t.split === split)
    const pos = here.filter((t) => t.kind === 'correct')
    console.log(
      `\n${split}: ${pos.length} correct words, ${here.length - pos.length} altered (${here.filter((t) => t.kind === 'phone').length} phone, ${here.filter((t) => t.kind === 'word').length} word)`
    )
    for (const [name, scorer] of Object.entries(SCORERS)) {
      const p = pos.map((t) => scorer(t.phones))
      for (const kind of ['phone', 'word', 'any'] as const) {
        const n = here.filter((t) => (kind === 'any' ? t.kind !== 'correct' : t.kind === kind)).map((t) => scorer(t.phones))
        const e = eer(p, n)
        console.log(
          `  ${name.padEnd(7)} ${kind.padEnd(5)} AUC ${auc(p, n).toFixed(3)} EER ${(e.eer * 100).toFixed(1)}% at ${e.threshold.toFixed(2)}  altered q10..q90 ${quantiles(n)}`
        )
      }
      console.log(`  ${name.padEnd(7)} correct q10..q90 ${quantiles(p)}`)
    }
  }
}

const cacheArg = process.argv.indexOf('--cache')
const trials = collect(cacheArg > 0 ? process.argv[cacheArg + 1] : '/tmp/pronunciation-eval-trials.json')
report(trials)
atDevThreshold(trials)
atFalseFlagRate(trials, 0.1)
// The threshold as shipped (a 0-100 score) in GOP nats, with what it flags.
atThreshold(trials, GOP_MID + GOP_SCALE * Math.log(MISPRONOUNCED_BELOW / (100 - MISPRONOUNCED_BELOW)), `shipped (score below ${MISPRONOUNCED_BELOW})`)
