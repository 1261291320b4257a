import { createRequire } from 'node:module'
import type compromise from 'compromise'

type Nlp = typeof compromise

let loaded: Nlp | undefined

/**
 * compromise, loaded on first use: it holds about 40 MB once imported, which a server that only
 * transcribes (or a worker that never analyses) would otherwise carry from boot.
 */
export function nlp(text: string): ReturnType<Nlp> {
  loaded ??= createRequire(import.meta.url)('compromise') as Nlp
  return loaded(text)
}
