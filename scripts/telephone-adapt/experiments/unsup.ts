// Leave-one-out on dev, and held-out: transform from the dev clips (minus the clip) vs the same plus the
// clip itself with its first-pass hypothesis as transcript (unsupervised per-recording adaptation; NO_OWN=1
// skips it). FILL=1 fits each transform on band-filled clips and decodes filled, as the engine does an upload
// (src/audio/band-fill.ts, models/telephone/band-envelope.json); SPLIT=dev measures one split only; ENVELOPE=file another fill shape or seed.
import { readFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeAudio } from '../../../src/audio/index.js'
import { createSphinxEngine } from '../../../src/stt/sphinx/index.js'
import { wordErrors } from '../../../src/stt/wer.js'
import { loadDevset } from '../../devset/manifest.js'
import { adapt, type Utterance } from '../../telephone-adapt/adapt.js'
import { loadBandEnvelope } from '../../../src/stt/sphinx/telephone.js'

const { root, manifest } = loadDevset(process.env.DEVSET)
const clips = manifest.clips.filter((c) => c.text && c.channel === 'telephone' && (!process.env.SPLIT || c.split === process.env.SPLIT))
const bandFill = process.env.FILL ? loadBandEnvelope(process.env.ENVELOPE) : undefined
const matrix = bandFill ? 'mllr_matrix_filled' : 'mllr_matrix'
const dev: Utterance[] = manifest.clips
  .filter((c) => c.text && c.channel === 'telephone')
  .filter((c) => c.split === 'dev')
  .map((c) => ({ path: join(root, c.path), text: c.text! }))
const extra: Utterance[] = process.env.EXTRA
  ? readFileSync(process.env.EXTRA, 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const [path, text] = l.split('\t')
        return { path, text }
      })
  : []
const quiet = () => undefined
async function decode(mllr: string, samples: Float32Array): Promise<string> {
  const e = createSphinxEngine({ poolSize: 1, telephoneMllr: mllr, telephoneBandFill: bandFill && { envelope: bandFill, mllr } })
  try {
    return (await e.transcribe({ samples, sampleRate: 16000 })).text
  } finally {
    await e.close()
  }
}
const tally: Record<string, number[]> = {}
const add = (k: string, e: number, n: number) => {
  const t = (tally[k] ??= [0, 0])
  t[0] += e
  t[1] += n
}
const work = mkdtempSync(join(tmpdir(), 'telephone-loo-'))
for (const [i, c] of clips.entries()) {
  const path = join(root, c.path)
  const audio = await decodeAudio(new Uint8Array(readFileSync(path)), { maxSeconds: 3600 })
  const others = [...dev.filter((u) => u.path !== path), ...extra]
  const base = join(work, `b${i}`)
  await adapt({ utterances: others, out: base, log: quiet, bandFill })
  const hyp0 = await decode(join(base, matrix), audio.samples)
  const e0 = wordErrors(c.text!, hyp0)
  add(`${c.split} loo-transform`, e0.errors, e0.refWords)
  let hyp1 = hyp0
  if (hyp0.trim() && !process.env.NO_OWN) {
    const own = join(work, `o${i}`)
    await adapt({ utterances: [...others, { path, text: hyp0 }], out: own, log: quiet, bandFill }).catch(() => undefined)
    hyp1 = await decode(join(own, matrix), audio.samples).catch(() => hyp0)
  }
  const e1 = wordErrors(c.text!, hyp1)
  add(`${c.split} loo+own-hyp`, e1.errors, e1.refWords)
  console.log(c.split, c.path, e0.errors, e1.errors, '/', e0.refWords, '|', hyp0, '|', hyp1)
}
for (const [k, [e, n]] of Object.entries(tally)) console.log(k, `${((100 * e) / n).toFixed(1)}% (${e}/${n})`)
process.exit(0)
