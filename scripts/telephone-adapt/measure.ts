/**
 * Word error rate of the engine, as the API runs it, on the dev set's transcribed clips of one channel,
 * for one telephone transform and decoder setup: the quick check behind each attempt listed in
 * models/telephone/README.md (npm run bench:real prints the full table, with the CLI baseline).
 *
 *   npx tsx scripts/telephone-adapt/measure.ts [--channel telephone|studio] [--mllr FILE|none]
 *                                              [--filled-mllr FILE] [--envelope FILE] [--hmm DIR] [--args="-lw 8"] [--verbose]
 *
 * Narrowband clips are decoded with --mllr (default the shipped mllr_matrix), as uploads are; --filled-mllr FILE
 * band-fills them first and decodes them with FILE (models/telephone/mllr_matrix_filled: the engine's
 * telephoneBandFill option).
 *
 * Pass values that start with a dash as --args="..." so they are not read as options.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { decodeAudio } from '../../src/audio/index.js'
import { createSphinxEngine } from '../../src/stt/sphinx/index.js'
import { DEFAULT_TELEPHONE_MLLR } from '../../src/stt/sphinx/native.js'
import { loadBandEnvelope } from '../../src/stt/sphinx/telephone.js'
import { wordErrors } from '../../src/stt/wer.js'
import { loadDevset } from '../devset/manifest.js'

const { values } = parseArgs({
  options: {
    devset: { type: 'string' },
    channel: { type: 'string', default: 'telephone' },
    mllr: { type: 'string', default: DEFAULT_TELEPHONE_MLLR },
    'filled-mllr': { type: 'string' },
    envelope: { type: 'string' },
    hmm: { type: 'string' },
    args: { type: 'string', default: '' },
    verbose: { type: 'boolean', default: false }
  }
})

const { root, manifest } = loadDevset(values.devset)
const engine = createSphinxEngine({
  poolSize: 1,
  hmm: values.hmm,
  telephoneMllr: values.mllr === 'none' ? false : values.mllr,
  telephoneBandFill: values['filled-mllr'] ? { envelope: loadBandEnvelope(values.envelope), mllr: values['filled-mllr'] } : undefined,
  decoderArgs: values.args.split(/\s+/).filter(Boolean)
})
const tally = new Map<string, { words: number; errors: number }>()
try {
  for (const clip of manifest.clips) {
    if (!clip.text || clip.channel !== values.channel) continue
    const audio = await decodeAudio(new Uint8Array(readFileSync(join(root, clip.path))), { maxSeconds: 3600 })
    const heard = (await engine.transcribe({ samples: audio.samples, sampleRate: 16000 })).text
    const e = wordErrors(clip.text, heard)
    const t = tally.get(clip.split) ?? { words: 0, errors: 0 }
    t.words += e.refWords
    t.errors += e.errors
    tally.set(clip.split, t)
    if (values.verbose) console.log(`${clip.split} ${clip.path} ${e.errors}/${e.refWords} | ${heard}`)
  }
} finally {
  await engine.close()
}
const rate = (split: string) => {
  const t = tally.get(split)
  return t ? `${((100 * t.errors) / t.words).toFixed(1)}% (${t.errors}/${t.words} words)` : '-'
}
const transform = values['filled-mllr'] ? `band fill, mllr ${values['filled-mllr']}` : `mllr ${values.mllr}`
console.log(`${values.channel} WER, ${transform}${values.args ? `, args ${values.args}` : ''}: dev ${rate('dev')}, heldout ${rate('heldout')}`)
process.exit(0)
