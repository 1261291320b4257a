/**
 * The universal background model: one diagonal Gaussian mixture of the normalised cepstra (cepstra.ts,
 * diarize.ts `features`) of many voices, trained once by scripts/diarization-background.ts and shipped in
 * models/diarization/. Each cluster of a recording is described by this mixture with its means moved
 * towards the cluster's frames (MAP adaptation), which needs far less speech than a mixture of its own.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DIMS, HOP, isNarrowband } from './cepstra.js'
import { reestimate, type Mixture } from './mixture.js'
import type { Span } from './segment.js'

export type { Mixture }

/**
 * The mixture for recordings with their upper band, the one for recordings that lost it on a phone line, and
 * one for recordings with their upper band over warped features (warping.ts).
 */
export type BackgroundKind = 'wide' | 'narrow' | 'wide-warped'
export const backgroundFile = (kind: BackgroundKind) => fileURLToPath(new URL(`../../models/diarization/background-${kind}.json`, import.meta.url))
// Share of the energy above 4 kHz below which a recording counts as having passed a phone line (-25 dB).
// The dev set's telephone calls keep -26 to -38 dB up there (line noise and the codec's images), its studio
// calls -11 to -23 dB. The cepstra stay wideband for such calls (cepstra.ts switches only below -45 dB), so
// their upper coefficients carry less of the voice, and distances between clusters come out smaller.
const PHONE_SHARE = 10 ** -2.5

const loaded = new Map<BackgroundKind, Mixture | null>()

/** The shipped background mixture of a kind, read once per thread; null when the file is missing. */
export function background(kind: BackgroundKind): Mixture | null {
  if (loaded.has(kind)) return loaded.get(kind)!
  const file = backgroundFile(kind)
  if (!existsSync(file)) {
    loaded.set(kind, null)
    return null
  }
  const json = JSON.parse(readFileSync(file, 'utf8')) as { dims: number; weights: number[]; means: number[]; variances: number[] }
  if (json.dims !== DIMS) throw new Error(`${file} has ${json.dims} dimensions, the cepstra have ${DIMS}`)
  const m = { weights: Float64Array.from(json.weights), means: Float64Array.from(json.means), variances: Float64Array.from(json.variances) }
  loaded.set(kind, m)
  return m
}

/** True when the speech in `spans` lost its upper band on a phone line (PHONE_SHARE). */
export function phoneBand(samples: Float32Array, spans: Span[]): boolean {
  const starts: number[] = []
  const total = spans.reduce((n, s) => n + s.end - s.start, 0)
  const every = Math.max(1, Math.floor(total / 300))
  for (const s of spans) for (let f = s.start; f < s.end; f += every) starts.push(f * HOP)
  return isNarrowband(samples, starts, PHONE_SHARE)
}

/**
 * Expectation-maximisation by binary splitting: one Gaussian over all `frames`, every component split in
 * two along its spread, refined, until `components` are reached. Deterministic, so the shipped model can be
 * rebuilt bit for bit from the same frames.
 */
export function trainMixture(x: Float32Array, frames: Int32Array, components: number, iterations: number): Mixture {
  let m: Mixture = { weights: Float64Array.of(1), means: new Float64Array(DIMS), variances: new Float64Array(DIMS).fill(1) }
  m = refine(m, x, frames, iterations)
  while (m.weights.length < components) {
    const k = m.weights.length
    const split: Mixture = { weights: new Float64Array(2 * k), means: new Float64Array(2 * k * DIMS), variances: new Float64Array(2 * k * DIMS) }
    for (let c = 0; c < k; c++) {
      for (const [to, sign] of [
        [c, 1],
        [c + k, -1]
      ]) {
        split.weights[to] = m.weights[c] / 2
        for (let d = 0; d < DIMS; d++) {
          const v = m.variances[c * DIMS + d]
          split.means[to * DIMS + d] = m.means[c * DIMS + d] + sign * 0.2 * Math.sqrt(v)
          split.variances[to * DIMS + d] = v
        }
      }
    }
    m = refine(split, x, frames, iterations)
  }
  return m
}

function refine(start: Mixture, x: Float32Array, frames: Int32Array, iterations: number): Mixture {
  const m = { weights: new Float64Array(start.weights), means: new Float64Array(start.means), variances: new Float64Array(start.variances) }
  for (let it = 0; it < iterations; it++) reestimate(m, x, frames)
  return m
}
