import type { TSchema } from 'typebox'
import type { RetryDecision } from '../retry.js'

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** What a provider is asked for; the client adds retries, deadlines and validation on top. */
export interface ChatRequest {
  messages: ChatMessage[]
  /** JSON mode: the answer must be one JSON object matching `schema` */
  json?: {
    schema: TSchema
    /** the prompt already spells the schema out, so providers that take it as text need not append it */
    schemaInPrompt?: boolean
  }
  temperature?: number
  maxTokens?: number
  /** told the tokens a provider says the request used, once per response that carries a count */
  onUsage?: (usage: TokenUsage) => void
}

/** Tokens a provider counted for one request: the prompt it read and the completion it wrote. */
export interface TokenUsage {
  prompt: number
  completion: number
}

/**
 * One vendor's chat model. Providers make exactly one request per call (no SDK retries) and throw the
 * SDK's own errors; the client decides what is retried and how failures read.
 */
export interface ChatProvider {
  name: string
  model: string
  /** the variable an operator sets to fix credentials, named in auth errors */
  keyVariable?: string
  /** false for the built-in provider, which cannot converse */
  available: boolean
  /** vendor-specific retry hints (e.g. Gemini's RetryInfo); defaults to status codes and Retry-After */
  classify?: (err: unknown) => RetryDecision
  complete(request: ChatRequest, signal: AbortSignal): Promise<string>
  /** resolves once the model starts answering (so a refused request can be retried), then yields text deltas */
  stream(request: ChatRequest, signal: AbortSignal): Promise<AsyncIterable<string>>
}
