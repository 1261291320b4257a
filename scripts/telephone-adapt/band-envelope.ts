/**
 * Shape of the telephone band fill (src/audio/band-fill.ts): how loud each bin above 4 kHz is, relative to the
 * mean 1-3.4 kHz magnitude of the same frame, in a studio voice. Averaged in the log domain over the loud
 * frames (level band above a tenth of the clip's 95th percentile) of the dev split's transcribed studio
 * clips; silence says nothing about a voice's high band. Held-out clips stay out.
 *
 *   npx tsx scripts/telephone-adapt/band-envelope.ts [--devset .devset] [--out models/telephone/band-envelope.json]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { FRAME, bandBins, forEachSpectrum, meanMagnitude, type BandEnvelope } from '../../src/audio/band-fill.js'
import { decodeAudio } from '../../src/audio/index.js'
import { loadDevset } from '../devset/manifest.js'

/** The band left empty by an 8 kHz line, chosen on dev over 3.5-3.8 kHz (models/telephone/README.md). */
const FILL_FROM_HZ = 4000
const LEVEL_BAND_HZ: [number, number] = [1000, 3400]
// Keeps log() finite on bins of exact zeros; far below any real frame's magnitude.
const FLOOR = 1e-7

/** numpy's default percentile (linear between the two nearest ranks). */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (p / 100) * (sorted.length - 1)
  const lo = Math.floor(at)
  return sorted[lo] + (at - lo) * ((sorted[Math.ceil(at)] ?? sorted[lo]) - sorted[lo])
}

export function bandEnvelope(recordings: Float32Array[]): BandEnvelope {
  const [fillLo] = bandBins(FILL_FROM_HZ, 8000)
  const level = bandBins(...LEVEL_BAND_HZ)
  const sums = new Float64Array(FRAME / 2 - fillLo + 1)
  let frames = 0
  for (const samples of recordings) {
    const levels: number[] = []
    forEachSpectrum(samples, (spectrum) => levels.push(meanMagnitude(spectrum, level)))
    const loud = 0.1 * percentile(levels, 95)
    forEachSpectrum(samples, (spectrum, f) => {
      if (levels[f] <= loud) return
      const logLevel = Math.log(levels[f] + FLOOR)
      for (let k = fillLo; k <= FRAME / 2; k++) sums[k - fillLo] += Math.log(Math.hypot(spectrum[2 * k], spectrum[2 * k + 1]) + FLOOR) - logLevel
      frames++
    })
  }
  if (frames === 0) throw new Error('no loud frame to learn the high band from')
  const shapeDb = Array.from(sums, (s) => Math.round(((20 * s) / frames / Math.LN10) * 100) / 100)
  return { fillFromHz: FILL_FROM_HZ, levelBandHz: LEVEL_BAND_HZ, shapeDb }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devset: { type: 'string' },
      out: { type: 'string', default: 'models/telephone/band-envelope.json' }
    }
  })
  const { root, manifest } = loadDevset(values.devset)
  const clips = manifest.clips.filter((c) => c.split === 'dev' && c.channel === 'studio' && c.text)
  const recordings: Float32Array[] = []
  for (const c of clips) recordings.push((await decodeAudio(new Uint8Array(readFileSync(join(root, c.path))), { maxSeconds: 3600 })).samples)
  const envelope = bandEnvelope(recordings)
  writeFileSync(values.out, JSON.stringify(envelope, null, 2) + '\n')
  const every = envelope.shapeDb.filter((_, i) => i % 16 === 0).join(' ')
  console.log(`wrote ${values.out} from ${clips.length} studio clips; dB every 500 Hz from ${FILL_FROM_HZ} Hz: ${every}`)
  process.exit(0)
}

if (import.meta.url === `file://${process.argv[1]}`)
  void main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
