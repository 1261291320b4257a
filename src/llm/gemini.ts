import { GoogleGenAI, Type, type Schema } from '@google/genai'
import { parseJson, toAnalysis, toRefined } from './chat.js'
import { ANALYSIS_PROMPT, ANALYSIS_PROMPT_VERSION, conversationMessage, REFINE_PROMPT } from './prompts.js'
import { ENTITY_TYPES, INTENTS, MOODS, TAGS, type LlmProvider } from './types.js'

export interface GeminiProviderOptions {
  apiKey: string
  /** GEMINI_BASE_URL (default https://generativelanguage.googleapis.com) */
  baseUrl?: string
  /** default gemini-2.5-flash */
  model?: string
}

const strings: Schema = { type: Type.ARRAY, items: { type: Type.STRING } }
const oneOf = (values: readonly string[]): Schema => ({ type: Type.STRING, format: 'enum', enum: [...values] })

// Gemini's response schema has no free-form maps, so roles travel as a list of pairs and are turned
// back into a record before validation.
const ANALYSIS_SCHEMA: Schema = {
  type: Type.OBJECT,
  properties: {
    summary: { type: Type.STRING },
    tags: { type: Type.ARRAY, items: oneOf(TAGS) },
    intent: oneOf(INTENTS),
    mood: oneOf(MOODS),
    emotions: strings,
    roles: {
      type: Type.ARRAY,
      items: { type: Type.OBJECT, properties: { speaker: { type: Type.STRING }, role: { type: Type.STRING } }, required: ['speaker', 'role'] }
    },
    insights: strings,
    entities: {
      type: Type.ARRAY,
      items: { type: Type.OBJECT, properties: { type: oneOf(ENTITY_TYPES), text: { type: Type.STRING } }, required: ['type', 'text'] }
    }
  },
  required: ['summary', 'tags', 'intent', 'mood', 'emotions', 'roles', 'insights', 'entities'],
  propertyOrdering: ['summary', 'tags', 'intent', 'mood', 'emotions', 'roles', 'insights', 'entities']
}
const REFINE_SCHEMA: Schema = { type: Type.OBJECT, properties: { text: { type: Type.STRING } }, required: ['text'] }

function rolesToRecord(raw: unknown): unknown {
  const r = raw as { roles?: unknown } | null
  if (!r || !Array.isArray(r.roles)) return raw
  const pairs = r.roles.filter((p): p is { speaker: string; role: string } => typeof p?.speaker === 'string' && typeof p?.role === 'string')
  return { ...r, roles: Object.fromEntries(pairs.map((p) => [p.speaker, p.role])) }
}

/** Gemini's generateContent in JSON mode, the answer's shape enforced server-side by responseSchema. */
export function createGeminiProvider(o: GeminiProviderOptions): LlmProvider {
  const model = o.model ?? 'gemini-2.5-flash'
  // No retryOptions: the SDK then makes exactly one attempt, and failures fall back at once.
  const ai = new GoogleGenAI({ apiKey: o.apiKey, httpOptions: o.baseUrl ? { baseUrl: o.baseUrl } : undefined })
  const generate = async (system: string, user: string, responseSchema: Schema, signal?: AbortSignal) => {
    const response = await ai.models.generateContent({
      model,
      contents: user,
      config: { systemInstruction: system, responseMimeType: 'application/json', responseSchema, temperature: 0.2, abortSignal: signal }
    })
    return parseJson(response.text)
  }
  return {
    name: 'gemini',
    model,
    promptVersion: ANALYSIS_PROMPT_VERSION,
    async analyze(input, signal) {
      return toAnalysis(rolesToRecord(await generate(ANALYSIS_PROMPT, conversationMessage(input), ANALYSIS_SCHEMA, signal)))
    },
    async refine(text, signal) {
      return toRefined(await generate(REFINE_PROMPT, text, REFINE_SCHEMA, signal))
    }
  }
}
