// Leave-one-out on dev, and held-out: transform from the dev clips (minus the clip) vs the same plus the
// clip itself with its first-pass hypothesis as transcript (unsupervised per-recording adaptation; NO_OWN=1
// skips it). DEVSET=dir measures a copy of the dev set (band-fill.py output); decoding band-filled audio with a
// transform needs the engine to apply it to audio that no longer looks narrowband (VX_FORCE_NARROWBAND, a
// one-line experiment change to engine.ts not kept here).
import { readFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeAudio } from '../../../src/audio/index.js'
import { createSphinxEngine } from '../../../src/stt/sphinx/index.js'
import { wordErrors } from '../../../src/stt/wer.js'
import { loadDevset } from '../../devset/manifest.js'
import { adapt, type Utterance } from '../../telephone-adapt/adapt.js'

const { root, manifest } = loadDevset(process.env.DEVSET)
const clips = manifest.clips.filter((c) => c.text && c.channel === 'telephone')
const dev: Utterance[] = clips.filter((c) => c.split === 'dev').map((c) => ({ path: join(root, c.path), text: c.text! }))
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
  const e = createSphinxEngine({ poolSize: 1, telephoneMllr: mllr })
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
  await adapt({ utterances: others, out: base, log: quiet })
  const hyp0 = await decode(join(base, 'mllr_matrix'), audio.samples)
  const e0 = wordErrors(c.text!, hyp0)
  add(`${c.split} loo-transform`, e0.errors, e0.refWords)
  let hyp1 = hyp0
  if (hyp0.trim() && !process.env.NO_OWN) {
    const own = join(work, `o${i}`)
    await adapt({ utterances: [...others, { path, text: hyp0 }], out: own, log: quiet }).catch(() => undefined)
    hyp1 = await decode(join(own, 'mllr_matrix'), audio.samples).catch(() => hyp0)
  }
  const e1 = wordErrors(c.text!, hyp1)
  add(`${c.split} loo+own-hyp`, e1.errors, e1.refWords)
  console.log(c.split, c.path, e0.errors, e1.errors, '/', e0.refWords, '|', hyp0, '|', hyp1)
}
for (const [k, [e, n]] of Object.entries(tally)) console.log(k, `${((100 * e) / n).toFixed(1)}% (${e}/${n})`)
process.exit(0)
