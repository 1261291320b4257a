import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Types only: at run time the addon is loaded (or found missing) by loadAddon below.
import type { Decoder, NativeResult, NativeWord } from '@voxlens/sphinx-native'

export type { NativeResult, NativeWord }
export type NativeDecoder = Decoder

interface SphinxAddon {
  Decoder: typeof Decoder
}

/** PocketSphinx computes one feature frame every 10 ms. */
export const FRAMES_PER_SECOND = 100

export const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us'

/**
 * The en-us model adapted to the telephone band (300-3400 Hz): an MLLR transform of its means built by
 * scripts/telephone-adapt from telephone versions of real recordings. Small enough to ship in the repository.
 */
export const DEFAULT_TELEPHONE_MLLR = fileURLToPath(new URL('../../../models/telephone/mllr_matrix', import.meta.url))

export const INSTALL_HINT =
  'PocketSphinx is not installed: run `sudo apt-get install -y libpocketsphinx-dev pocketsphinx-en-us ' +
  'build-essential pkg-config` then `npm rebuild @voxlens/sphinx-native`'

export interface ModelPaths {
  /** directory with the Debian layout: en-us/ (acoustic model), en-us.lm.bin, cmudict-en-us.dict */
  modelDir?: string
  hmm?: string
  lm?: string
  dict?: string
}

export function resolveModel(paths: ModelPaths): { hmm: string; lm: string; dict: string } {
  const dir = paths.modelDir ?? DEFAULT_MODEL_DIR
  return {
    hmm: paths.hmm ?? join(dir, 'en-us'),
    lm: paths.lm ?? join(dir, 'en-us.lm.bin'),
    dict: paths.dict ?? join(dir, 'cmudict-en-us.dict')
  }
}

/** Returns why the model cannot be used, or undefined when every file is in place. */
export function missingModel(paths: ModelPaths): string | undefined {
  const m = resolveModel(paths)
  const needed = [join(m.hmm, 'mdef'), join(m.hmm, 'means'), m.lm, m.dict]
  const missing = needed.filter((p) => !existsSync(p))
  return missing.length > 0 ? `model files missing: ${missing.join(', ')}` : undefined
}

/**
 * Chosen by measuring word error rate on synthesized speech (npm run bench:stt):
 * PocketSphinx's own VAD (-remove_silence) is off because ours already cut the audio and it
 * shifts word times. The addon dithers input itself, restarting per utterance, so results do
 * not depend on which worker decoded what before. -remove_noise no, wider beams,
 * -pl_window 0, -topn 8 and other language weights did no better overall.
 * On real speech (the dev set's studio clips, dev / held-out WER; default 32.4 / 11.6 %): -lw 8 31.1 / 16.3,
 * -lw 10 37.8 / 39.5, -lw 5, -wip 0.2, -beam 1e-60 -wbeam 1e-50, -pbeam 1e-60 unchanged, -fwdflat no
 * 33.8 / 9.3, -bestpath no 32.4 / 18.6; VAD padding 100 ms 32.4 / 14.0, 300-400 ms and a longer hangover
 * unchanged, minSilenceMs 600 31.1 / 11.6. Nothing gained on dev and held on held-out, so the defaults stay.
 */
export const DEFAULT_DECODER_ARGS: string[] = ['-remove_silence', 'no']

/**
 * Live streams only, on top of DEFAULT_DECODER_ARGS: at most 5000 active HMMs per frame instead of
 * 30000. The decoder is most of a stream's cost (the partial hypothesis every 20 ms is not: feeding
 * 250 ms blocks costs the same), and on real speech it keeps far more HMMs alive than it needs.
 * Decoder thread CPU per second of the dev set's studio speech (loaded machine, indicative): live search
 * 0.55 -> 0.39, end of utterance 0.11 -> 0.10, a whole re-decode 0.52 -> 0.40. Live-final WER on the
 * dev set's real speech unchanged (dev studio 37.8 %, telephone 51.4 -> 50.0 %; held-out 23.3 / 27.9 %).
 * Tried on top, each clip decoded live in 20 ms chunks (decoder CPU s per audio s for processing + ending;
 * word errors on real dev studio / telephone, held-out studio / telephone of 74, 74, 43, 43 words; synthetic
 * of 729): this 0.118 + 0.035, 24 / 25 / 5 / 12, 4.5 %. -maxhmmpf 3000 0.097, held-out telephone 16, 4.9 %;
 * -maxhmmpf 2000 0.087, 25 / 27 / 6 / 16, 5.6 %; -topn 2 0.096, 24 / 28 / 6 / 12, 5.6 %;
 * -topn 3 0.097, 22 / 26 / 6 / 12, 5.3 %; -pbeam 1e-40 0.092, 5.2 %; -pl_beam 1e-4 -pbeam 1e-40 unchanged
 * words, no cut beyond the noise (repeat runs of the default spread 0.105-0.143); -fwdflat no ends an
 * utterance for 0.006 instead of 0.035,
 * 23 / 27 / 4 / 12 and 5.8 %; narrower -beam/-wbeam, -lpbeam or -fwdflatbeam lose many words; -pl_window 0
 * doubles the cost. Even -maxhmmpf 500 still costs 0.056 (and 31 / 31 / 17 / 24): half the cost is outside
 * the search (scoring the acoustic model), so no pruning halves a stream's CPU.
 */
export const STREAM_DECODER_ARGS: string[] = ['-maxhmmpf', '5000']

export function decoderArgs(paths: ModelPaths, extra: string[] = []): string[] {
  const m = resolveModel(paths)
  return ['-hmm', m.hmm, '-lm', m.lm, '-dict', m.dict, ...extra]
}

let cached: { addon?: SphinxAddon; error?: Error } | undefined

/**
 * Loads the addon once per thread. The package is an optional dependency, so when npm
 * skipped it we also look in the repository checkout before giving up.
 */
export function loadAddon(): { addon?: SphinxAddon; error?: Error } {
  if (cached) return cached
  const require = createRequire(import.meta.url)
  const candidates = ['@voxlens/sphinx-native', new URL('../../../native/sphinx/index.cjs', import.meta.url).pathname]
  let error: Error | undefined
  for (const id of candidates) {
    try {
      cached = { addon: require(id) as SphinxAddon }
      return cached
    } catch (err) {
      error ??= err as Error
    }
  }
  cached = { error }
  return cached
}
