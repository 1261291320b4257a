/**
 * The real-speech section of npm run bench:streaming: the dev set's transcribed clips, one stream per
 * speaker and channel (their clips one after another, a second of silence between them, in the clip's
 * own format: 16 kHz PCM16 studio, 8 kHz μ-law telephone), sent faster than real time through the
 * streaming core with server VAD. Word error rate of the streamed finals, as served (live finals once
 * the stream's channel is known) and with every utterance transcribed whole, against the same clips
 * uploaded whole, per split and channel.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadDevset, type ManifestClip } from './devset/manifest.js'
import { decodeAudio } from '../src/audio/index.js'
import { audioFormat, createStreamingHub, DEFAULT_TURN_DETECTION, type StreamEvent } from '../src/streaming/index.js'
import { createSphinxEngine } from '../src/stt/sphinx/index.js'
import type { SttEngine } from '../src/stt/types.js'
import { wordErrors } from '../src/stt/wer.js'

const GAP_SECONDS = 1
const CHUNK_SECONDS = 0.1

/** The samples of a WAV file as stored (PCM16 or μ-law bytes). */
function dataChunk(wav: Buffer): Buffer {
  const data = wav.indexOf('data', 12)
  return wav.subarray(data + 8, data + 8 + wav.readUInt32LE(data + 4))
}

/**
 * A gap of digital silence, or with `quiet` the faint hiss of an open line (a few steps of the encoding
 * either side of zero), fainter than the noise recorded around the words.
 */
function gap(format: ReturnType<typeof audioFormat>, quiet: boolean): Buffer {
  const bytes = Math.round(GAP_SECONDS * format.sampleRate * (format.encoding === 'pcm16' ? 2 : 1))
  const out = Buffer.alloc(bytes, format.encoding === 'mulaw' ? 0xff : 0)
  if (!quiet) return out
  let seed = 1
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  // μ-law 0xfe/0x7e are the smallest steps above and below zero
  if (format.encoding === 'mulaw') for (let i = 0; i < out.length; i++) out[i] = [0xff, 0xfe, 0x7f, 0x7e][Math.floor(next() * 4)]!
  else for (let i = 0; i < out.length; i += 2) out.writeInt16LE(Math.round((next() - 0.5) * 64), i)
  return out
}

async function streamed(engine: SttEngine, clips: ManifestClip[], root: string, liveFinals: boolean, quietGaps = false): Promise<string> {
  const first = clips[0]!
  const format = audioFormat(first.encoding, first.sampleRate)
  const bytesPerSecond = format.sampleRate * (format.encoding === 'pcm16' ? 2 : 1)
  const silence = gap(format, quietGaps)
  const audio = Buffer.concat([silence, ...clips.flatMap((c) => [dataChunk(readFileSync(join(root, c.path))), silence])])
  const hub = createStreamingHub({
    speech: { resolve: () => engine },
    limits: {
      maxSessionSeconds: 3600,
      maxBufferedSeconds: 3600,
      idleTimeoutSeconds: 600,
      maxUtteranceSeconds: 60,
      maxSessionsPerUser: 10,
      maxSessions: 10
    }
  })
  const session = await hub.open({ protocol: 'bench', owner: 'bench', format, turnDetection: DEFAULT_TURN_DETECTION, partials: false, liveFinals })
  const finals: string[] = []
  // Utterances the endpointer has closed whose final has not come yet.
  const pending = new Set<number>()
  let settled: (() => void) | undefined
  const done = (async () => {
    for await (const e of session as AsyncIterable<StreamEvent>) {
      if (e.type === 'speech_stopped') pending.add(e.utterance)
      if ((e.type === 'final' || e.type === 'error') && e.utterance !== undefined) pending.delete(e.utterance)
      if (!pending.size) settled?.()
      if (e.type === 'final' && e.text) finals.push(e.text)
    }
  })()
  const step = Math.round(CHUNK_SECONDS * bytesPerSecond) & ~1
  for (let i = 0; i < audio.length; i += step) {
    session.write(audio.subarray(i, i + step))
    // Faster than real time, but in a live stream's order: an utterance's final is out before the audio
    // after its endpoint goes on (the gap between clips is far longer than a final takes). Sent all at
    // once, every utterance would open before any final and none would start from the channel learned
    // from the utterances before it.
    await new Promise((r) => setImmediate(r))
    while (pending.size) await new Promise<void>((r) => (settled = r))
  }
  await session.end()
  await done
  return finals.join(' ')
}

async function uploaded(engine: SttEngine, clips: ManifestClip[], root: string): Promise<string> {
  const texts: string[] = []
  for (const c of clips) {
    const audio = await decodeAudio(new Uint8Array(readFileSync(join(root, c.path))), { maxSeconds: 3600 })
    texts.push((await engine.transcribe({ samples: audio.samples, sampleRate: 16000 })).text)
  }
  return texts.join(' ')
}

type Tally = { words: number; live: number; wholeClip: number; upload: number }

/** Prints the table; returns false when there is no dev set to read. */
export async function realRecordings(
  engine: SttEngine,
  opts: { splits?: string[]; verbose?: boolean; liveOnly?: boolean; quietGaps?: boolean } = {}
): Promise<boolean> {
  let devset: ReturnType<typeof loadDevset>
  try {
    devset = loadDevset()
  } catch {
    console.log('  real recordings: skipped (no .devset/: npm run devset builds it)')
    return false
  }
  const groups = new Map<string, ManifestClip[]>()
  for (const c of devset.manifest.clips.filter((c) => c.text && (!opts.splits || opts.splits.includes(c.split)))) {
    const key = `${c.split}|${c.channel}|${c.speaker}`
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  const tallies = new Map<string, Tally>()
  for (const [key, clips] of groups) {
    const reference = clips.map((c) => c.text!).join(' ')
    const live = await streamed(engine, clips, devset.root, true, opts.quietGaps)
    // liveOnly: the other two columns stay empty (they do not depend on how live finals are made)
    const wholeClip = opts.liveOnly ? '' : await streamed(engine, clips, devset.root, false, opts.quietGaps)
    const upload = opts.liveOnly ? '' : await uploaded(engine, clips, devset.root)
    const [split, channel] = key.split('|')
    const row = `${split}|${channel}`
    const t = tallies.get(row) ?? { words: 0, live: 0, wholeClip: 0, upload: 0 }
    const errors = (hyp: string) => wordErrors(reference, hyp).errors
    t.words += wordErrors(reference, live).refWords
    t.live += errors(live)
    t.wholeClip += errors(wholeClip)
    t.upload += errors(upload)
    tallies.set(row, t)
    if (opts.verbose) console.log(`    ${key}: live "${live}" | whole-clip "${wholeClip}" | upload "${upload}"`)
  }
  const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`.padStart(7)
  // columns a live-only run leaves empty
  const unless = (n: number, d: number) => (opts.liveOnly ? '-' : pct(n, d))
  console.log('  real recordings (.devset, one stream per speaker and channel, server VAD 500 ms): WER of')
  console.log('    split    channel    words  streamed (live finals)  streamed (each utterance whole)  uploaded whole')
  for (const row of [...tallies.keys()].sort()) {
    const t = tallies.get(row)!
    const [split, channel] = row.split('|')
    console.log(
      `    ${split!.padEnd(8)} ${channel!.padEnd(9)} ${String(t.words).padStart(6)}  ${pct(t.live, t.words).padStart(21)}  ${unless(t.wholeClip, t.words).padStart(31)}  ${unless(t.upload, t.words).padStart(14)}`
    )
  }
  return true
}

// Run alone: npx tsx scripts/streaming-devset.ts [--split dev|heldout] [--verbose] [--live-only] [--quiet-gaps]
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const arg = (name: string) => process.argv.indexOf(name)
  const split = arg('--split') > 0 ? [process.argv[arg('--split') + 1]!] : undefined
  const engine = createSphinxEngine({ poolSize: 1, streamDecoders: 2 })
  await realRecordings(engine, { splits: split, verbose: arg('--verbose') > 0, liveOnly: arg('--live-only') > 0, quietGaps: arg('--quiet-gaps') > 0 })
  await engine.close()
}
