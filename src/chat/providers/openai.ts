import OpenAI from 'openai'
import type { ChatProvider } from '../types.js'
import { completionsProvider } from './completions.js'

export interface OpenAiChatOptions {
  apiKey: string
  /** OPENAI_BASE_URL including /v1 (default https://api.openai.com/v1); any compatible server works */
  baseURL?: string
  /** default gpt-4o-mini */
  model?: string
}

export function createOpenAiChat(o: OpenAiChatOptions): ChatProvider {
  let client: OpenAI | undefined
  // No SDK retries: the chat client owns the retry policy, the same for every vendor.
  const openai = () => (client ??= new OpenAI({ apiKey: o.apiKey, baseURL: o.baseURL, maxRetries: 0 }))
  return completionsProvider('openai', o.model ?? 'gpt-4o-mini', 'OPENAI_API_KEY', openai)
}
