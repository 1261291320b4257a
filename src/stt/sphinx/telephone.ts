/**
 * The band fill for phone-line uploads (src/audio/band-fill.ts) and the transform fitted on filled audio: a
 * pair, since a transform fitted on filled audio must not meet unfilled audio and the reverse. Both are
 * built from the dev set by scripts/telephone-adapt and kept in models/telephone; the engine uses them only
 * when asked (see models/telephone/README.md for why it is not the default).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { envelopeProblem, type BandEnvelope } from '../../audio/band-fill.js'

const shipped = (name: string) => fileURLToPath(new URL(`../../../models/telephone/${name}`, import.meta.url))

export const DEFAULT_BAND_ENVELOPE = shipped('band-envelope.json')
export const DEFAULT_FILLED_MLLR = shipped('mllr_matrix_filled')

export interface TelephoneBandFill {
  envelope: BandEnvelope
  /** MLLR transform fitted on band-filled telephone audio */
  mllr: string
}

/** The envelope in `path`; throws an error naming the file when it is missing or does not fit the fill. */
export function loadBandEnvelope(path = DEFAULT_BAND_ENVELOPE): BandEnvelope {
  let envelope: BandEnvelope
  try {
    envelope = JSON.parse(readFileSync(path, 'utf8')) as BandEnvelope
  } catch (err) {
    throw new Error(
      `the telephone band envelope ${path} cannot be read (npx tsx scripts/telephone-adapt/band-envelope.ts builds it): ${(err as Error).message}`
    )
  }
  const problem = envelopeProblem(envelope)
  if (problem) throw new Error(`the telephone band envelope ${path} is not usable: ${problem}`)
  return envelope
}
