/**
 * harper.js on its own thread for the practice tutor: none of its loading or linting may stall the
 * server's event loop. Run by the pool in grammar.ts.
 */
import { lintWithHarper, type HarperLint } from '../grammar/harper.js'

export type { HarperLint }

export default function lint(text: string): Promise<HarperLint[]> {
  return lintWithHarper(text)
}
