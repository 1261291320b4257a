import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson, type Answerable, type Reply } from './server.js'

/** OpenAI's error envelope, which Groq copies. */
export const openAiError = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } })

/**
 * Answers what OpenAI and Groq answer before looking at a request: a wrong Bearer key (401), a rate
 * limit (429, Retry-After when scripted) and a server error. Returns the reply when the request
 * still needs its normal answer, undefined when it was answered.
 */
export function answerOpenAiFailure(req: IncomingMessage, reply: Reply, apiKey: string, res: ServerResponse): Answerable | undefined {
  if (reply.kind === 'unauthorized' || req.headers.authorization !== `Bearer ${apiKey}`) {
    sendJson(res, 401, openAiError('Invalid API Key', 'invalid_request_error', 'invalid_api_key'))
    return undefined
  }
  if (reply.kind === 'rate-limited') {
    const headers: Record<string, string> = reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds) } : {}
    sendJson(res, 429, openAiError('Rate limit reached for model. Please try again later.', 'requests', 'rate_limit_exceeded'), headers)
    return undefined
  }
  if (reply.kind === 'error') {
    sendJson(res, reply.status ?? 500, openAiError('The server had an error while processing your request.', 'server_error', null))
    return undefined
  }
  return reply as Answerable
}
