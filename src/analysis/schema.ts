import { Type } from 'typebox'
import { Value } from 'typebox/value'
import { emotionLabelOf } from '../emotion/labels.js'
import { AnalysisSchema, ENTITY_TYPES, INTENTS, MOODS, TAGS, type Analysis } from '../schemas/analysis.js'

export { AnalysisSchema }

export const RefineSchema = Type.Object({ text: Type.String({ minLength: 1 }) })

const isString = (x: unknown): x is string => typeof x === 'string'
const norm = (x: unknown) =>
  isString(x)
    ? x
        .trim()
        .toLowerCase()
        .replace(/[_\s]+/g, ' ')
    : x
const oneOf = <T extends string>(set: readonly T[], x: unknown): T | undefined => set.find((s) => s === norm(x))
const strings = (x: unknown) =>
  Array.isArray(x)
    ? x
        .filter(isString)
        .map((s) => s.trim())
        .filter(Boolean)
    : x

/** Gemini's older response schema had no free-form maps, so some answers carry roles as [{speaker, role}]. */
function rolesOf(x: unknown): unknown {
  if (Array.isArray(x)) {
    const pairs = x.filter((p): p is { speaker: string; role: string } => isString(p?.speaker) && isString(p?.role))
    return Object.fromEntries(pairs.map((p) => [p.speaker, p.role]))
  }
  if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).filter((e): e is [string, string] => isString(e[1])))
  return x
}

/**
 * Repairs what models commonly get slightly wrong (case, a tag outside the set, an unknown intent,
 * emotions named as nouns or outside the labels, extra fields, stray non-strings in lists). What is
 * still wrong (no summary, an unknown mood, wrong types) is left for the schema check to refuse.
 */
export function repairAnalysis(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw
  const r = raw as Record<string, unknown>
  return {
    summary: isString(r.summary) ? r.summary.trim() : r.summary,
    tags: Array.isArray(r.tags) ? [...new Set(r.tags.map((t) => oneOf(TAGS, t)).filter((t) => t !== undefined))] : r.tags,
    // 'other' is the intent set's own catch-all, so an intent the model invented means exactly that.
    intent: isString(r.intent) ? (oneOf(INTENTS, r.intent) ?? 'other') : r.intent,
    mood: oneOf(MOODS, r.mood) ?? r.mood,
    // Models answer in nouns ("frustration", "joy"); a record keeps one vocabulary, the utterances' labels.
    emotions: Array.isArray(r.emotions) ? [...new Set(r.emotions.map(emotionLabelOf).filter((e) => e !== undefined))] : r.emotions,
    roles: rolesOf(r.roles),
    insights: strings(r.insights),
    entities: Array.isArray(r.entities)
      ? r.entities.flatMap((e: unknown) => {
          const { type, text } = (e ?? {}) as Record<string, unknown>
          const t = oneOf(ENTITY_TYPES, type)
          return t && isString(text) && text.trim() ? [{ type: t, text: text.trim() }] : []
        })
      : r.entities
  }
}

/** A repaired Analysis, or undefined when the answer is too far off to trust. */
export function coerceAnalysis(raw: unknown): Analysis | undefined {
  const candidate = repairAnalysis(raw)
  return Value.Check(AnalysisSchema, candidate) ? (candidate as Analysis) : undefined
}
