/** Lower-cases, drops punctuation (keeping apostrophes inside words) and splits on spaces. */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9']+/g, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
}

export interface WordErrors {
  /** (substitutions + deletions + insertions) / reference words */
  wer: number
  errors: number
  refWords: number
}

/** Word-level Levenshtein distance between a reference and a hypothesis. */
export function wordErrors(ref: string, hyp: string): WordErrors {
  const r = normalizeWords(ref)
  const h = normalizeWords(hyp)
  // One rolling row keeps memory linear in the hypothesis length.
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j)
  for (let i = 1; i <= r.length; i++) {
    const row = [i]
    for (let j = 1; j <= h.length; j++) {
      const sub = prev[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1)
      row[j] = Math.min(sub, prev[j] + 1, row[j - 1] + 1)
    }
    prev = row
  }
  const errors = prev[h.length]
  const wer = r.length === 0 ? (h.length === 0 ? 0 : 1) : errors / r.length
  return { wer, errors, refWords: r.length }
}

export function wordErrorRate(ref: string, hyp: string): number {
  return wordErrors(ref, hyp).wer
}
