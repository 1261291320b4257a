/**
 * Builds models/diarization/background-wide.json, background-narrow.json and background-wide-warped.json,
 * the background mixtures of the built-in diarizer's last clustering stage (src/diarization/adapted.ts),
 * from the real speech of the dev set's "dev" split: every dev call, studio and telephone, through the same
 * speech detection and recording-normalised cepstra the diarizer uses, one mixture for the calls that kept
 * their upper band and one for the calls through a phone line (background.ts `phoneBand`), and one for the
 * first over warped cepstra (warping.ts). No held-out voice is seen.
 * Deterministic: the same dev set gives the same files.
 *
 *   npx tsx scripts/diarization-background.ts [components]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { backgroundFile, phoneBand, trainMixture, type BackgroundKind } from '../src/diarization/background.js'
import { DIMS, HOP } from '../src/diarization/cepstra.js'
import { features, speechSpans } from '../src/diarization/diarize.js'
import { warp } from '../src/diarization/warping.js'
import { loadDevset, readClip } from './devset/manifest.js'

const COMPONENTS = Number(process.argv[2] ?? 64)
const ITERATIONS = 10
// Neighbouring 10 ms frames say nearly the same; every second one trains the mixture as well as all of them.
const STRIDE = 2

const devset = loadDevset()
const calls = devset.manifest.conversations.filter((c) => c.split === 'dev')
const kinds: BackgroundKind[] = ['wide', 'narrow', 'wide-warped']
const frames = new Map(kinds.map((kind) => [kind, { chunks: [] as Float32Array[], seconds: 0, calls: 0 }]))
const described: Record<BackgroundKind, string> = { wide: 'full-band', narrow: 'phone-line', 'wide-warped': 'warped full-band' }
for (const c of calls) {
  const samples = readClip(devset.root, c.path, 16000)
  const lastFrame = Math.floor((samples.length - 400) / HOP)
  const spans = speechSpans(samples, lastFrame)
  const x = features(samples, spans, lastFrame)
  const phone = phoneBand(samples, spans)
  const views: [BackgroundKind, Float32Array][] = phone
    ? [['narrow', x]]
    : [
        ['wide', x],
        ['wide-warped', warp(x, spans)]
      ]
  for (const [kind, y] of views) {
    const into = frames.get(kind)!
    into.calls++
    for (const s of spans) {
      into.seconds += (s.end - s.start) / 100
      for (let f = s.start; f < s.end; f += STRIDE) into.chunks.push(y.subarray(f * DIMS, (f + 1) * DIMS))
    }
  }
}
const round = (a: Float64Array) => Array.from(a, (v) => Number(v.toPrecision(6)))
for (const [kind, { chunks, seconds, calls: count }] of frames) {
  const x = new Float32Array(chunks.length * DIMS)
  chunks.forEach((c, i) => x.set(c, i * DIMS))
  const mixture = trainMixture(
    x,
    Int32Array.from({ length: chunks.length }, (_, i) => i),
    COMPONENTS,
    ITERATIONS
  )
  const file = backgroundFile(kind)
  mkdirSync(dirname(file), { recursive: true })
  const description = `diagonal GMM of ${described[kind]} speech, ${COMPONENTS} components, ${ITERATIONS} EM iterations per split, ${chunks.length} frames (${seconds.toFixed(0)} s of speech) of ${count} dev-split calls`
  writeFileSync(
    file,
    `${JSON.stringify({ description, dims: DIMS, weights: round(mixture.weights), means: round(mixture.means), variances: round(mixture.variances) })}\n`
  )
  console.log(`${file}: ${description}`)
}
