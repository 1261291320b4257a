import OpenAI from 'openai'
import { createChatProvider } from './chat.js'
import type { LlmProvider } from './types.js'

export interface OpenAiProviderOptions {
  apiKey: string
  /** OPENAI_BASE_URL including /v1 (default https://api.openai.com/v1); any compatible server works */
  baseURL?: string
  /** default gpt-4o-mini */
  model?: string
}

export function createOpenAiProvider(o: OpenAiProviderOptions): LlmProvider {
  const model = o.model ?? 'gpt-4o-mini'
  // No SDK retries: a 429 or 5xx falls back to the builtin analysis at once instead of stacking waits.
  const client = new OpenAI({ apiKey: o.apiKey, baseURL: o.baseURL, maxRetries: 0 })
  return createChatProvider('openai', model, async (messages, signal) => {
    const completion = await client.chat.completions.create(
      { model, messages, response_format: { type: 'json_object' }, temperature: 0.2 },
      { signal }
    )
    return completion.choices[0]?.message?.content
  })
}
