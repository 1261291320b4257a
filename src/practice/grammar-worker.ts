/**
 * harper.js on its own thread: linting takes 15-50 ms of WASM per sentence (and a few hundred for
 * a rare word), and loading its dictionary about 4 s, none of which may stall the server's event loop.
 * Run by the pool in grammar.ts; the linter is loaded once per thread, on its first task.
 */
import type { LocalLinter } from 'harper.js'

/** A lint reduced to plain data, so it can cross back to the main thread. */
export interface HarperLint {
  kind: string
  message: string
  start: number
  end: number
  /** [kind, text]: kind 0 replaces the span, 1 removes it, 2 inserts after it */
  suggestions: [number, string][]
}

let linter: Promise<LocalLinter> | undefined

// Imported when first needed rather than at the top: under tsx (tests, npm run dev) a worker thread
// fails to load a TypeScript module that imports harper.js statically ("Unknown file extension .ts").
function load(): Promise<LocalLinter> {
  linter ??= (async () => {
    const { LocalLinter } = await import('harper.js')
    const { binary } = await import('harper.js/binary')
    const l = new LocalLinter({ binary })
    await l.setup()
    return l
  })()
  return linter
}

export default async function lint(text: string): Promise<HarperLint[]> {
  const lints = await (await load()).lint(text)
  return lints.map((l) => {
    const span = l.span()
    return {
      kind: l.lint_kind(),
      message: l.message(),
      start: span.start,
      end: span.end,
      suggestions: l.suggestions().map((s) => [s.kind() as number, s.get_replacement_text()] as [number, string])
    }
  })
}
