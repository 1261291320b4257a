/**
 * harper.js, the offline grammar checker (WebAssembly): about 4 s to load its dictionary, then 15-50 ms
 * of CPU a sentence. Callers run it off the event loop (the practice tutor's grammar thread, the coach's
 * analysis thread); each thread loads one linter, on first use.
 */
import type { LocalLinter } from 'harper.js'

/** A lint reduced to plain data, so it can cross between threads. */
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

/** Every lint harper reports for `text`, by character offsets into it. */
export async function lintWithHarper(text: string): Promise<HarperLint[]> {
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
