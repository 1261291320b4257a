// Per-recording VTLN: picks the warp whose best path has the highest acoustic score per frame, then
// measures WER through the engine with that warp (and every fixed warp, and the oracle choice).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeAudio } from '../../../src/audio/index.js'
import { createSphinxEngine } from '../../../src/stt/sphinx/index.js'
import { DEFAULT_TELEPHONE_MLLR, DEFAULT_DECODER_ARGS, decoderArgs, loadAddon } from '../../../src/stt/sphinx/native.js'
import { wordErrors } from '../../../src/stt/wer.js'
import { loadDevset } from '../../devset/manifest.js'

const warps = (process.env.WARPS ?? '0.88,0.94,1.0,1.06,1.12').split(',')
const channel = process.env.CHANNEL ?? 'telephone'
const mllr = process.env.MLLR ?? DEFAULT_TELEPHONE_MLLR
const crit = process.env.CRIT ?? 'ascr'
const { root, manifest } = loadDevset()
const { addon } = loadAddon()
const warpArgs = (w: string) => (w === 'none' ? [] : ['-warp_type', 'inverse_linear', '-warp_params', w])
const decs = warps.map((w) => {
  const d = new addon!.Decoder(decoderArgs({}, [...DEFAULT_DECODER_ARGS, ...warpArgs(w)]))
  if (mllr !== 'none') d.adapt(mllr)
  return d
})
const engines = warps.map((w) => createSphinxEngine({ poolSize: 1, telephoneMllr: mllr === 'none' ? false : mllr, decoderArgs: warpArgs(w) }))
const tally: Record<string, number[]> = {}
const add = (k: string, e: number, n: number) => {
  const t = (tally[k] ??= [0, 0])
  t[0] += e
  t[1] += n
}
for (const clip of manifest.clips) {
  if (!clip.text || clip.channel !== channel) continue
  const audio = await decodeAudio(new Uint8Array(readFileSync(join(root, clip.path))), { maxSeconds: 3600 })
  const scores = decs.map((d) => {
    d.start()
    d.process(audio.samples, true)
    const r = d.end()
    const segs = d.segments()
    const a = segs.reduce((s, g) => s + g.ascr, 0)
    const l = segs.reduce((s, g) => s + g.lscr, 0)
    return (crit === 'ascr' ? a : a + l) / Math.max(1, r.frames)
  })
  const errs: number[] = []
  let n = 0
  for (const e of engines) {
    const h = (await e.transcribe({ samples: audio.samples, sampleRate: 16000 })).text
    const we = wordErrors(clip.text, h)
    errs.push(we.errors)
    n = we.refWords
  }
  const best = scores.indexOf(Math.max(...scores))
  warps.forEach((w, i) => add(`${clip.split} w=${w}`, errs[i], n))
  add(`${clip.split} ml-chosen`, errs[best], n)
  add(`${clip.split} oracle`, Math.min(...errs), n)
  console.log(clip.split, clip.path, 'errs', errs.join(' '), 'chosen', warps[best], 'scores', scores.map((s) => s.toFixed(0)).join(' '))
}
for (const [k, [e, n]] of Object.entries(tally)) console.log(k, `${((100 * e) / n).toFixed(1)}% (${e}/${n})`)
await Promise.all(engines.map((e) => e.close()))
process.exit(0)
