import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'

export type Checked = { value: unknown } | { invalid: string }

/**
 * Parses a model's JSON answer, lets the caller repair near misses, then checks it against the schema.
 * Some models wrap JSON-mode answers in a Markdown fence anyway, so a fence is tolerated.
 */
export function checkJson(content: string, schema: TSchema, repair?: (raw: unknown) => unknown): Checked {
  if (!content.trim()) return { invalid: 'the model returned an empty answer' }
  let raw: unknown
  try {
    raw = JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''))
  } catch {
    return { invalid: `the model returned text that is not JSON: ${content.slice(0, 80)}` }
  }
  const value = repair ? repair(raw) : raw
  if (Value.Check(schema, value)) return { value }
  if (typeof value !== 'object' || value === null) return { invalid: 'the answer is not a JSON object' }
  const first = Value.Errors(schema, value)[0]
  return { invalid: `the answer does not match the schema (${first ? `${first.instancePath || '/'} ${first.message}` : 'unknown mismatch'})` }
}

/**
 * The schema as plain JSON Schema for a vendor: TypeBox's symbol-keyed metadata and `$id`s stay behind,
 * and a record's catch-all `patternProperties` becomes `additionalProperties`, the form Gemini's
 * responseJsonSchema understands.
 */
export function plainSchema(schema: TSchema): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk)
    if (typeof node !== 'object' || node === null) return node
    const { $id: _id, patternProperties, ...rest } = node as Record<string, unknown>
    const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, walk(v)]))
    const patterns = Object.entries((patternProperties ?? {}) as Record<string, unknown>)
    if (patterns.length === 1 && patterns[0][0] === '^.*$') out.additionalProperties = walk(patterns[0][1])
    else if (patterns.length) out.patternProperties = walk(patternProperties)
    return out
  }
  return walk(JSON.parse(JSON.stringify(schema))) as Record<string, unknown>
}
