import { coerceAnalysis, describeInvalid } from './schema.js'
import { ANALYSIS_PROMPT, ANALYSIS_PROMPT_VERSION, conversationMessage, REFINE_PROMPT } from './prompts.js'
import { InvalidOutputError, type Analysis, type LlmProvider } from './types.js'

export interface ChatMessage {
  role: 'system' | 'user'
  content: string
}

/** One chat completion in JSON mode; returns the message content. */
export type CompleteJson = (messages: ChatMessage[], signal?: AbortSignal) => Promise<string | null | undefined>

/** Parses a model's JSON answer; anything unparseable is invalid output, which the analyzer retries. */
export function parseJson(content: string | null | undefined): unknown {
  if (!content?.trim()) throw new InvalidOutputError('the model returned an empty answer')
  try {
    // Some models wrap JSON mode answers in a Markdown fence anyway.
    return JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''))
  } catch {
    throw new InvalidOutputError(`the model returned text that is not JSON: ${content.slice(0, 80)}`)
  }
}

export function toAnalysis(raw: unknown): Analysis {
  const analysis = coerceAnalysis(raw)
  if (!analysis) throw new InvalidOutputError(`the answer does not match the analysis schema (${describeInvalid(raw)})`)
  return analysis
}

export function toRefined(raw: unknown): string {
  const text = (raw as { text?: unknown } | null)?.text
  if (typeof text !== 'string' || !text.trim()) throw new InvalidOutputError('the answer has no "text" string')
  return text.trim()
}

/**
 * A provider over an OpenAI-style chat completions endpoint (OpenAI itself, Groq, and the many
 * compatible servers). JSON mode guarantees syntax only, so the schema travels in the system prompt.
 */
export function createChatProvider(name: string, model: string, complete: CompleteJson): LlmProvider {
  return {
    name,
    model,
    promptVersion: ANALYSIS_PROMPT_VERSION,
    async analyze(input, signal) {
      const content = await complete([{ role: 'system', content: ANALYSIS_PROMPT }, { role: 'user', content: conversationMessage(input) }], signal)
      return toAnalysis(parseJson(content))
    },
    async refine(text, signal) {
      const content = await complete([{ role: 'system', content: REFINE_PROMPT }, { role: 'user', content: text }], signal)
      return toRefined(parseJson(content))
    }
  }
}
