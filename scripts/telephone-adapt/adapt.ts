/**
 * Adapts the en-us acoustic model to the telephone channel with sphinxtrain (Debian `sphinxtrain`):
 * Baum-Welch statistics (bw) over telephone recordings with known text, then one global MLLR
 * transform of the Gaussian means (mllr_solve). The transform is a few kilobytes of text, so it is
 * committed in models/telephone/ and every install gets it without a download; the engine applies
 * it when it finds the input narrowband.
 *
 *   npm run models:telephone -- [--devset .devset] [--list utterances.tsv] [--out models/telephone]
 *                                [--model-dir DIR] [--passes 3] [--front-end="-warp_params 1.1 ..."] [--band-fill]
 *                                [--envelope models/telephone/band-envelope.json] [--draws 1]
 *
 * By default it learns from the dev split's telephone clips that have a transcript (npm run devset
 * builds them; the held-out split stays out) and writes mllr_matrix. --band-fill fills each clip's band
 * above 4 kHz first, as the engine's telephoneBandFill option fills a phone-line upload (src/audio/band-fill.ts,
 * shape from models/telephone/band-envelope.json), and writes mllr_matrix_filled, the transform for that option. --list takes your own recordings instead, one a line:
 * path<TAB>transcript. Features come from the recogniser's own
 * front end (the native addon), on audio decoded exactly as the API decodes an upload, so the
 * transform learns the channel the engine will actually see.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { FILL_SEED, fillBand, type BandEnvelope } from '../../src/audio/band-fill.js'
import { decodeAudio } from '../../src/audio/index.js'
import { DEFAULT_MODEL_DIR, loadAddon, resolveModel } from '../../src/stt/sphinx/native.js'
import { loadBandEnvelope } from '../../src/stt/sphinx/telephone.js'
import { loadDevset } from '../devset/manifest.js'
import { readSendump, writeS3Mixw } from './mixw.js'

const run = promisify(execFile)
const SPHINXTRAIN = process.env.SPHINXTRAIN_DIR ?? '/usr/lib/sphinxtrain'
/** Chosen on the dev split: 1, 2, 3 and 4 rounds gave 47.3, 43.2, 36.5 and 39.2 % telephone WER. */
const DEFAULT_PASSES = 3

export interface Utterance {
  path: string
  text: string
}

export interface AdaptOptions {
  utterances: Utterance[]
  out: string
  modelDir?: string
  /** bw + mllr_solve rounds */
  passes?: number
  /** extra front-end arguments for the features (e.g. a frequency warp); decode with the same ones */
  frontEnd?: string[]
  /** fill each recording's band above the envelope's edge first, as the engine does for uploads */
  bandFill?: BandEnvelope
  /** noise draws of the fill per utterance (seeds from the envelope's on), each a copy of it; default 1 */
  draws?: number
  /** file name of the transform in `out`; default mllr_matrix_filled with bandFill, else mllr_matrix */
  name?: string
  log?: (line: string) => void
}

function loadDictionary(path: string): Set<string> {
  const words = new Set<string>()
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const w = line.split(/\s/, 1)[0]
    if (w) words.add(w.replace(/\(\d+\)$/, ''))
  }
  return words
}

/** Transcript words as the dictionary spells them; undefined when one is missing (bw cannot align it). */
export function dictionaryWords(text: string, dict: Set<string>): string[] | undefined {
  // A spelt letter keeps its dot ("b."): the dictionary says it as the letter's name, "a" alone as "uh".
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9'. ]+/g, ' ')
    .split(/\s+/)
    .map((w) => (dict.has(w) ? w : w.replace(/\./g, '')))
    .filter(Boolean)
  return words.every((w) => dict.has(w)) ? words : undefined
}

/** Sphinx feature file: a 32-bit count of floats, then the cepstra. */
function writeMfc(path: string, cepstra: Float32Array): void {
  const head = Buffer.alloc(4)
  head.writeInt32LE(cepstra.length)
  writeFileSync(path, Buffer.concat([head, Buffer.from(cepstra.buffer, cepstra.byteOffset, cepstra.byteLength)]))
}

function featParams(hmm: string): string[] {
  return readFileSync(join(hmm, 'feat.params'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      const [k, ...v] = l.trim().split(/\s+/)
      return [k, v.join(' ')]
    })
}

export async function adapt(opts: AdaptOptions): Promise<{ used: number; skipped: string[]; seconds: number; matrix: string }> {
  const log = opts.log ?? ((line: string) => console.log(line))
  const model = resolveModel({ modelDir: opts.modelDir ?? DEFAULT_MODEL_DIR })
  const { addon, error } = loadAddon()
  if (!addon) throw new Error(`the sphinx addon is needed for features: ${error?.message}`)
  const work = mkdtempSync(join(tmpdir(), 'voxlens-telephone-'))
  try {
    const dict = loadDictionary(model.dict)
    const fe = new addon.Decoder(['-hmm', model.hmm, '-lm', model.lm, '-dict', model.dict, ...(opts.frontEnd ?? [])])
    const fileids: string[] = []
    const transcripts: string[] = []
    const skipped: string[] = []
    let seconds = 0
    for (const [i, u] of opts.utterances.entries()) {
      const words = dictionaryWords(u.text, dict)
      if (!words) {
        skipped.push(u.path)
        continue
      }
      const audio = await decodeAudio(new Uint8Array(readFileSync(u.path)), { maxSeconds: 3600 })
      seconds += audio.samples.length / 16000
      // Each draw of the fill's noise is one more copy of the utterance, so the transform learns the fill and
      // not one draw of it.
      const fills = opts.bandFill
        ? Array.from({ length: opts.draws ?? 1 }, (_, d) => ({ ...opts.bandFill!, seed: (opts.bandFill!.seed ?? FILL_SEED) + d }))
        : [undefined]
      for (const [d, fill] of fills.entries()) {
        const id = `u${String(i).padStart(4, '0')}d${d}`
        writeMfc(join(work, `${id}.mfc`), fe.cepstra(fill ? fillBand(audio.samples, fill) : audio.samples))
        fileids.push(id)
        transcripts.push(`<s> ${words.join(' ')} </s> (${id})`)
      }
    }
    fe.close()
    if (fileids.length === 0) throw new Error('no utterance with a transcript the dictionary covers')
    writeFileSync(join(work, 'fileids'), fileids.join('\n') + '\n')
    writeFileSync(join(work, 'transcription'), transcripts.join('\n') + '\n')
    writeS3Mixw(join(work, 'mixture_weights'), readSendump(join(model.hmm, 'sendump')))
    await run('pocketsphinx_mdef_convert', ['-text', join(model.hmm, 'mdef'), join(work, 'mdef.txt')])
    const params = featParams(model.hmm)
    const param = (name: string) => params[params.indexOf(name) + 1]
    mkdirSync(opts.out, { recursive: true })
    const matrix = join(opts.out, opts.name ?? (opts.bandFill ? 'mllr_matrix_filled' : 'mllr_matrix'))
    // Each pass aligns the audio with the model as the last transform adapted it, so the
    // statistics (and the next transform) come from a better alignment.
    for (let pass = 0; pass < (opts.passes ?? DEFAULT_PASSES); pass++) {
      log(`pass ${pass + 1}: bw over ${fileids.length} utterances, ${seconds.toFixed(1)} s of audio`)
      // prettier-ignore
      await run(join(SPHINXTRAIN, 'bw'), [
      '-moddeffn', join(work, 'mdef.txt'), '-ts2cbfn', '.ptm.',
      '-meanfn', join(model.hmm, 'means'), '-varfn', join(model.hmm, 'variances'),
      '-mixwfn', join(work, 'mixture_weights'), '-tmatfn', join(model.hmm, 'transition_matrices'),
      '-feat', param('-feat'), '-svspec', param('-svspec'), '-cmn', 'batch', '-agc', 'none',
      '-dictfn', model.dict, '-fdictfn', join(model.hmm, 'noisedict'),
      '-ctlfn', join(work, 'fileids'), '-lsnfn', join(work, 'transcription'),
      '-cepdir', work, '-accumdir', work, ...(pass > 0 ? ['-mllrmat', matrix] : [])
    ], { maxBuffer: 1 << 26 })
      // prettier-ignore
      await run(join(SPHINXTRAIN, 'mllr_solve'), [
      '-meanfn', join(model.hmm, 'means'), '-varfn', join(model.hmm, 'variances'),
      '-outmllrfn', matrix, '-accumdir', work
    ], { maxBuffer: 1 << 26 })
    }
    return { used: fileids.length, skipped, seconds, matrix }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

function devsetUtterances(dir: string | undefined): Utterance[] {
  const { root, manifest } = loadDevset(dir)
  return manifest.clips.filter((c) => c.split === 'dev' && c.channel === 'telephone' && c.text).map((c) => ({ path: join(root, c.path), text: c.text! }))
}

function listUtterances(file: string): Utterance[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [path, text] = l.split('\t')
      return { path: resolve(path), text }
    })
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devset: { type: 'string' },
      list: { type: 'string' },
      passes: { type: 'string', default: String(DEFAULT_PASSES) },
      out: { type: 'string', default: 'models/telephone' },
      'model-dir': { type: 'string' },
      'front-end': { type: 'string', default: '' },
      'band-fill': { type: 'boolean', default: false },
      envelope: { type: 'string' },
      draws: { type: 'string', default: '1' }
    }
  })
  const utterances = values.list ? listUtterances(values.list) : devsetUtterances(values.devset)
  const r = await adapt({
    utterances,
    out: resolve(values.out),
    modelDir: values['model-dir'],
    passes: Number(values.passes),
    frontEnd: values['front-end'].split(/\s+/).filter(Boolean),
    draws: Number(values.draws),
    bandFill: values['band-fill'] ? loadBandEnvelope(values.envelope) : undefined
  })
  console.log(`wrote ${r.matrix} from ${r.used} utterances (${r.seconds.toFixed(1)} s); skipped ${r.skipped.length}`)
  process.exit(0)
}

if (import.meta.url === `file://${process.argv[1]}`)
  void main().catch((err) => {
    console.error(err)
    process.exit(1)
  })
