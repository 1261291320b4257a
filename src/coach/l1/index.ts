import type { Rule } from '../rule.js'
import { UZBEK_RULES } from './uzbek.js'

/** Rules for patterns typical of one first language, by ISO 639-1 code. */
const BY_LANGUAGE: Record<string, Rule[]> = { uz: UZBEK_RULES }

/** The extra rules for a learner with this first language; none when we have no rules for it. */
export function rulesForFirstLanguage(code: string | null | undefined): Rule[] {
  return (code && BY_LANGUAGE[code.toLowerCase()]) || []
}
