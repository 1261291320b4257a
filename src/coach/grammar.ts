import type { LocalLinter } from 'harper.js'

/** One issue a grammar checker found, by character offsets into the text it was given. */
export interface GrammarIssue {
  start: number
  end: number
  kind: string
  message: string
  replacement?: string
}

/** The seam between the analysis and whatever checks grammar (harper.js offline). */
export interface GrammarChecker {
  check(text: string): Promise<GrammarIssue[]>
}

// A transcript has no capitals, punctuation or spelling of its own (the recogniser spells every word
// from its dictionary), so those lints would report the recogniser, not the learner.
const IGNORED_KINDS = new Set(['Capitalization', 'Spelling', 'Punctuation', 'Formatting', 'Style', 'Readability', 'Enhancement', 'Typo'])

/** harper.js: a grammar checker that runs offline in WebAssembly (about 4 s to set up, tens of ms a sentence). */
export function createHarperChecker(): GrammarChecker {
  let linter: Promise<LocalLinter> | undefined
  const ready = () => {
    // Imported when first needed: under tsx (tests, npm run dev) a worker thread fails to load a
    // TypeScript module that imports an ESM-only package such as harper.js statically.
    linter ??= (async () => {
      const { LocalLinter } = await import('harper.js')
      const { binary } = await import('harper.js/binary')
      const l = new LocalLinter({ binary })
      await l.setup()
      return l
    })()
    return linter
  }
  return {
    async check(text) {
      const lints = await (await ready()).lint(text)
      return lints
        .filter((lint) => !IGNORED_KINDS.has(lint.lint_kind()))
        .map((lint) => {
          const span = lint.span()
          const replacement = lint.suggestions()[0]?.get_replacement_text()
          return { start: span.start, end: span.end, kind: lint.lint_kind(), message: lint.message(), ...(replacement !== undefined && { replacement }) }
        })
    }
  }
}
