import Groq from 'groq-sdk'
import type { ChatProvider } from '../types.js'
import { completionsProvider } from './completions.js'

export interface GroqChatOptions {
  apiKey: string
  /** GROQ_BASE_URL without the /openai/v1 the SDK appends (default https://api.groq.com) */
  baseURL?: string
  /** default llama-3.3-70b-versatile */
  model?: string
}

export function createGroqChat(o: GroqChatOptions): ChatProvider {
  let client: Groq | undefined
  // No SDK retries: the chat client owns the retry policy, the same for every vendor.
  const groq = () => (client ??= new Groq({ apiKey: o.apiKey, baseURL: o.baseURL, maxRetries: 0 }))
  return completionsProvider('groq', o.model ?? 'llama-3.3-70b-versatile', 'GROQ_API_KEY', groq)
}
