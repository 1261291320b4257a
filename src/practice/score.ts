import type { Mistake, Severity } from './types.js'

/** Points one mistake costs in a sentence of up to twelve words. */
export const PENALTY: Record<Severity, number> = { 3: 25, 2: 15, 1: 5, 0: 2 }

/**
 * 100 for a sentence with no mistake found; each mistake costs PENALTY points, scaled by
 * sqrt(12 / words) for sentences longer than twelve words, so one slip in a long sentence costs less
 * than in a short one; never below 0. "I am go to market" (a tense mistake, a missing article,
 * five words) scores 100 - 25 - 5 = 70. Computed from the mistakes we checked, never from a model's
 * number.
 */
export function score(text: string, mistakes: Mistake[]): number {
  const words = text.split(/\s+/).filter(Boolean).length
  const scale = Math.min(1, Math.sqrt(12 / Math.max(1, words)))
  const penalty = mistakes.reduce((sum, m) => sum + PENALTY[m.severity], 0)
  return Math.max(0, Math.min(100, Math.round(100 - penalty * scale)))
}
