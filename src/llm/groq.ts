import Groq from 'groq-sdk'
import { createChatProvider } from './chat.js'
import type { LlmProvider } from './types.js'

export interface GroqProviderOptions {
  apiKey: string
  /** GROQ_BASE_URL without the /openai/v1 the SDK appends (default https://api.groq.com) */
  baseURL?: string
  /** default llama-3.3-70b-versatile */
  model?: string
}

export function createGroqProvider(o: GroqProviderOptions): LlmProvider {
  const model = o.model ?? 'llama-3.3-70b-versatile'
  // No SDK retries: a 429 or 5xx falls back to the builtin analysis at once instead of stacking waits.
  const client = new Groq({ apiKey: o.apiKey, baseURL: o.baseURL, maxRetries: 0 })
  return createChatProvider('groq', model, async (messages, signal) => {
    const completion = await client.chat.completions.create(
      { model, messages, response_format: { type: 'json_object' }, temperature: 0.2 },
      { signal }
    )
    return completion.choices[0]?.message?.content
  })
}
