import { lintWithHarper } from '../grammar/harper.js'

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
  return {
    async check(text) {
      const lints = await lintWithHarper(text)
      return lints
        .filter((lint) => !IGNORED_KINDS.has(lint.kind))
        .map((lint) => {
          const replacement = lint.suggestions[0]?.[1]
          return { start: lint.start, end: lint.end, kind: lint.kind, message: lint.message, ...(replacement !== undefined && { replacement }) }
        })
    }
  }
}
