import type { Piscina } from 'piscina'
import { closeWorkerPool, createWorkerPool, runTask } from '../workers/pool.js'
import type { HarperLint } from './grammar-worker.js'
import type { Mistake, MistakeCategory, Severity } from './types.js'

export interface GrammarChecker {
  /** harper.js's findings as mistakes; `spoken` drops what only writing has (capitals, spelling) */
  check(text: string, opts: { spoken: boolean; signal?: AbortSignal }): Promise<Mistake[]>
  /** loads the dictionary now, so the first learner does not wait for it */
  warm(): Promise<void>
  close(): Promise<void>
}

/** One thread: a learner's sentence takes milliseconds, and each thread holds its own dictionary. */
export function createGrammarChecker(): GrammarChecker {
  let pool: Piscina | undefined
  const threads = () => (pool ??= createWorkerPool({ entry: new URL('./grammar-worker.js', import.meta.url), threads: 1, keep: 1 }))
  return {
    async check(text, opts) {
      const lints = await runTask<HarperLint[]>(threads(), 'grammar checker', text, { signal: opts.signal })
      return lints.flatMap((l) => toMistake(l, text, opts.spoken) ?? [])
    },
    async warm() {
      await runTask(threads(), 'grammar checker', 'Warm up.')
    },
    async close() {
      if (pool) await closeWorkerPool(pool)
    }
  }
}

const KINDS: Record<string, { category: MistakeCategory; severity: Severity; written?: boolean }> = {
  Agreement: { category: 'agreement', severity: 3 },
  Grammar: { category: 'verb_form', severity: 3 },
  Redundancy: { category: 'redundancy', severity: 2 },
  Repetition: { category: 'repetition', severity: 1 },
  Spelling: { category: 'spelling', severity: 1, written: true },
  Capitalization: { category: 'capitalization', severity: 0, written: true }
}

/**
 * Keeps the lints that are about a learner's grammar. Style, punctuation and word-choice advice is
 * not what the app corrects; "Typo" splits words harper does not know ("informations" -> "in
 * formations"), and a capitalised word it cannot spell is usually a name (Raj, Pune).
 */
function toMistake(l: HarperLint, text: string, spoken: boolean): Mistake | undefined {
  const [suggestion] = l.suggestions
  if (!suggestion) return undefined
  let kind = KINDS[l.kind]
  if (!kind && l.kind === 'Miscellaneous' && /indefinite article/i.test(l.message)) kind = { category: 'article_an', severity: 1 }
  if (!kind || (spoken && kind.written)) return undefined
  const original = text.slice(l.start, l.end)
  if (kind.category === 'spelling' && (/^[A-Z]/.test(original) || /[A-Z]/.test(original.slice(1)))) return undefined
  const [how, words] = suggestion
  const replacement = how === 1 ? '' : how === 2 ? `${original}${words}` : words
  if (replacement === original) return undefined
  // Only capitals count as spelling ("english" -> "English"): learners mix in Hindi words (yaar, chawal)
  // and chat words (ok) that a dictionary would "correct" into other English words.
  if (kind.category === 'spelling' && replacement.toLowerCase() !== original.toLowerCase()) return undefined
  // "had had" and "that that" can be right.
  if (kind.category === 'repetition' && /^(had|that)\b/i.test(original)) return undefined
  // An agreement explanation names the subject, the word before the verb.
  const hint = kind.category === 'agreement' ? (/(\S+)\s*$/.exec(text.slice(0, l.start))?.[1] ?? original) : original
  return { category: kind.category, severity: kind.severity, start: l.start, end: l.end, replacement, source: 'harper', hint }
}
