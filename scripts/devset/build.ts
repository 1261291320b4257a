/**
 * Builds the real-speech dev set from Debian packages into .devset/ (gitignored): the recordings as they
 * ship, their telephone versions (300-3400 Hz, 8 kHz, G.711 mu-law), and two- and three-speaker
 * conversations stitched from different real voices with ground-truth turns, no piece of audio used twice
 * in a call. The clips are described in .devset/manifest.json, the conversations (under calls/) in
 * .devset/calls.json; the split (dev | heldout) is fixed here, so tuning on dev and reporting on heldout
 * means the same thing on every machine.
 *
 *   npx tsx scripts/devset/build.ts [--out .devset] [--calls-only]
 *
 * --calls-only writes the conversations and calls.json and leaves the clips and manifest.json as they are.
 *
 * Needs apt-get (for `apt-get download`, no root needed), dpkg-deb and sox.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { conversations, speakers, type SourceFile, type Speaker, type Split } from './sources.js'
import { levelled, materialOf, speechChunks, stitch, type Chunk } from './stitch.js'
import { CALLS_FILE, type CallList, type Manifest, type ManifestClip, type ManifestConversation } from './manifest.js'

const out = resolve(process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : '.devset')
const callsOnly = process.argv.includes('--calls-only')
const TURNS = { 2: 14, 3: 18 } as Record<number, number>
// Seconds of distinct speech a voice needs to take part in a call: two or three short turns.
const MIN_MATERIAL = 3

function run(cmd: string, args: string[], opts: { cwd?: string; input?: Buffer } = {}): Buffer {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, input: opts.input, maxBuffer: 1 << 30 })
  if (r.error) throw new Error(`${cmd} could not start (${r.error.message}): install it first`)
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString().trim()}`)
  return r.stdout
}

/** `apt-get download` + `dpkg-deb -x`; a package already unpacked is left alone. */
function unpack(pkg: string): string {
  const dir = join(out, 'packages', pkg)
  if (existsSync(dir)) return dir
  const debs = join(out, 'debs')
  mkdirSync(debs, { recursive: true })
  if (!readdirSync(debs).some((f) => f.startsWith(`${pkg}_`))) run('apt-get', ['download', pkg], { cwd: debs })
  const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))
  if (!deb) throw new Error(`apt-get download ${pkg} left no .deb behind`)
  mkdirSync(dir, { recursive: true })
  run('dpkg-deb', ['-x', join(debs, deb), dir])
  return dir
}

/** Any input sox reads (headerless PCM described by `raw`) as mono float samples at `rate`. */
function readAudio(path: string, rate: number, raw?: number): Float32Array {
  const input = raw ? ['-t', 'raw', '-r', String(raw), '-e', 'signed', '-b', '16', '-c', '1', path] : [path]
  const bytes = run('sox', ['-V1', '-D', ...input, '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-r', String(rate), '-'])
  const samples = new Float32Array(bytes.length >> 1)
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(2 * i) / 32768
  return samples
}

/** 16 kHz -> 8 kHz through sox, as the studio clip would be read at 8 kHz. */
function downsampled(samples: Float32Array): Float32Array {
  const bytes = Buffer.alloc(samples.length * 2)
  samples.forEach((x, i) => bytes.writeInt16LE(Math.round(Math.max(-1, Math.min(1, x)) * 32767), 2 * i))
  const raw = ['-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1']
  const back = run('sox', ['-V1', '-D', ...raw, '-r', '16000', '-', ...raw, '-r', '8000', '-'], { input: bytes })
  const out = new Float32Array(back.length >> 1)
  for (let i = 0; i < out.length; i++) out[i] = back.readInt16LE(2 * i) / 32768
  return out
}

function writePcm(path: string, samples: Float32Array, rate: number): void {
  const bytes = Buffer.alloc(samples.length * 2)
  samples.forEach((x, i) => bytes.writeInt16LE(Math.round(Math.max(-1, Math.min(1, x)) * 32767), 2 * i))
  mkdirSync(dirname(path), { recursive: true })
  run('sox', ['-V1', '-D', '-t', 'raw', '-r', String(rate), '-e', 'signed', '-b', '16', '-c', '1', '-', path], { input: bytes })
}

/** The phone line: band 300-3400 Hz, 8 kHz, G.711 mu-law, as a telephone network would carry it. */
function telephone(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true })
  run('sox', ['-V1', '-D', from, '-r', '8000', '-e', 'mu-law', '-b', '8', '-c', '1', to, 'sinc', '300-3400'])
}

const rel = (p: string) => relative(out, p)

/** A speaker's files and the audio files of its folders, each with the name its clip is stored under. */
function filesOf(s: Speaker, root: string): (SourceFile & { name: string })[] {
  const named = s.files.map((f) => ({ ...f, name: stem(f.path) }))
  for (const folder of s.folders ?? []) {
    const part = folder.path.split('/').pop()!
    for (const file of readdirSync(join(root, folder.path)).sort()) {
      const name = stem(file)
      if (name === file || (folder.only && !folder.only.test(name)) || folder.except?.test(name)) continue
      // klettres keeps letters and syllables in folders whose file names can meet
      named.push({ path: `${folder.path}/${file}`, name: `${part}-${name}` })
    }
  }
  return named
}

const stem = (file: string) =>
  file
    .split('/')
    .pop()!
    .replace(/\.(wav|raw|ogg)$/, '')

function main(): void {
  mkdirSync(out, { recursive: true })
  const clips: ManifestClip[] = []
  const chunks = new Map<string, { wide: Chunk[]; narrow: Chunk[] }>()
  for (const s of speakers) {
    const root = unpack(s.package)
    const rate = s.band === 'wide' ? 16000 : 8000
    const mine = { wide: [] as Chunk[], narrow: [] as Chunk[] }
    for (const f of filesOf(s, root)) {
      const { name } = f
      const split: Split = f.split ?? s.split
      const studio = join(out, 'clips', s.id, `${name}.wav`)
      const samples = readAudio(join(root, f.path), rate, f.raw)
      if (!callsOnly) writePcm(studio, samples, rate)
      const base = { text: f.text, speaker: s.id, sex: s.sex, language: s.language, split, package: s.package, source: f.path }
      clips.push({ ...base, path: rel(studio), sampleRate: rate, channel: 'studio', encoding: 'pcm16' })
      const phone = join(out, 'phone', s.id, `${name}.wav`)
      if (!callsOnly) telephone(studio, phone)
      clips.push({ ...base, path: rel(phone), sampleRate: 8000, channel: 'telephone', encoding: 'mulaw', of: rel(studio) })
      // Only the chunks of clips in the speaker's own split go into conversations of that split.
      if (split !== s.split) continue
      const spans = speechChunks(samples, rate)
      const narrow = s.band === 'wide' ? downsampled(samples) : samples
      for (const [a, b] of spans) {
        const text = spans.length === 1 ? f.text : undefined
        if (s.band === 'wide') mine.wide.push({ samples: levelled(samples.subarray(a, b)), text })
        const [a8, b8] = s.band === 'wide' ? [a >> 1, b >> 1] : [a, b]
        mine.narrow.push({ samples: levelled(narrow.subarray(a8, b8)), text })
      }
    }
    chunks.set(s.id, mine)
  }

  const calls: ManifestConversation[] = []
  conversations.forEach((plan, index) => {
    const voices = plan.speakers.map((id) => speakerById(id))
    const short = voices.filter((v) => materialOf(chunks.get(v.id)!.narrow, 8000) < MIN_MATERIAL)
    if (short.length) {
      console.log(`${plan.id} left out: under ${MIN_MATERIAL} s of distinct speech from ${short.map((v) => v.id).join(', ')}`)
      return
    }
    const turnCount = TURNS[voices.length]
    const seed = 1000 + index
    const variants: { rate: number; band: 'wide' | 'narrow' }[] = plan.wideband ? [{ rate: 16000, band: 'wide' }] : []
    variants.push({ rate: 8000, band: 'narrow' })
    for (const { rate, band } of variants) {
      const stitched = stitch(
        voices.map((v) => ({ id: v.id, chunks: chunks.get(v.id)![band] })),
        rate,
        turnCount,
        seed
      )
      const speakersOf = voices.map((v) => ({ id: v.id, sex: v.sex }))
      const base = { id: plan.id, split: plan.split, speakers: speakersOf, turns: stitched.turns, duration: stitched.samples.length / rate }
      const pcm = join(out, 'calls', band === 'wide' ? 'studio' : 'pcm8k', `${plan.id}.wav`)
      writePcm(pcm, stitched.samples, rate)
      if (band === 'wide') calls.push({ ...base, path: rel(pcm), sampleRate: rate, channel: 'studio', encoding: 'pcm16' })
      else {
        const phone = join(out, 'calls', 'telephone', `${plan.id}.wav`)
        telephone(pcm, phone)
        calls.push({ ...base, path: rel(phone), sampleRate: 8000, channel: 'telephone', encoding: 'mulaw' })
      }
    }
  })

  const manifest: Manifest = {
    description:
      'Real speech from Debian packages (pocketsphinx-testdata, codec2-examples, alsa-utils, ktuberling-data, klettres-data) with telephone versions; clips with a language other than English carry no text; the conversations stitched from different real voices are in calls.json. Tune on split "dev", report on "heldout".',
    clips,
    conversations: []
  }
  if (!callsOnly) writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`)
  const list: CallList = {
    description: 'Conversations stitched from different real voices, no piece of audio used twice in a call. Tune on split "dev", report on "heldout".',
    conversations: calls
  }
  writeFileSync(join(out, CALLS_FILE), `${JSON.stringify(list, null, 1)}\n`)
  const count = (split: Split) => calls.filter((c) => c.split === split).length
  console.log(`${clips.length} clips, ${calls.length} conversations (${count('dev')} dev, ${count('heldout')} heldout) in ${out}`)
}

function speakerById(id: string): Speaker {
  const s = speakers.find((x) => x.id === id)
  if (!s) throw new Error(`conversation names unknown speaker ${id}`)
  return s
}

main()
