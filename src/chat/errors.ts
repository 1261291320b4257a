import { HttpError } from '../errors.js'
import { AttemptTimeoutError, classifyError } from '../retry.js'

export type ChatErrorCode =
  'chat_unavailable' | 'chat_auth_failed' | 'chat_rate_limited' | 'chat_timeout' | 'chat_rejected' | 'chat_failed' | 'chat_invalid_output'

const STATUS: Record<ChatErrorCode, number> = {
  chat_unavailable: 503,
  chat_auth_failed: 502,
  chat_rate_limited: 503,
  chat_timeout: 504,
  chat_rejected: 502,
  chat_failed: 502,
  chat_invalid_output: 502
}

/**
 * A chat model could not answer. `message` names the provider and what to do; `reason` is the short
 * cause ("rate limited (429)") for callers that fold it into their own message.
 */
export class ChatError extends HttpError {
  override name = 'ChatError'
  constructor(
    readonly provider: string,
    code: ChatErrorCode,
    readonly reason: string,
    message: string,
    details?: { retryAfterSeconds?: number; attempts?: number; upstreamStatus?: number },
    options?: { cause?: unknown }
  ) {
    super(STATUS[code], code, message, details)
    if (options?.cause !== undefined) this.cause = options.cause
  }

  get chatCode(): ChatErrorCode {
    return this.code as ChatErrorCode
  }
}

export interface FailureContext {
  provider: string
  keyVariable?: string
  attempts: number
  timeoutMs: number
  retryAfterMs?: number
}

/** Turns whatever a vendor SDK threw into a ChatError that says what happened and what to do. */
export function toChatError(err: unknown, ctx: FailureContext): ChatError {
  if (err instanceof ChatError) return err
  const { provider, attempts } = ctx
  const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
  const message = firstLine(err)
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : undefined
  const fail = (code: ChatErrorCode, reason: string, text: string, details: ConstructorParameters<typeof ChatError>[4] = {}) =>
    new ChatError(provider, code, reason, `The ${provider} chat model ${text}`, { attempts, upstreamStatus: status, ...details }, { cause: err })

  if (err instanceof AttemptTimeoutError) {
    const seconds = ctx.timeoutMs / 1000
    return fail('chat_timeout', `timed out after ${seconds} s`, `did not answer within ${seconds} s${tries}.`)
  }
  // Gemini answers a bad key with 400 INVALID_ARGUMENT and the reason in the message.
  const badGeminiKey = status === 400 && /API_KEY_INVALID|API key not valid/.test(message)
  if (status === 401 || status === 403 || badGeminiKey) {
    const shown = badGeminiKey ? '400 API_KEY_INVALID' : String(status)
    const fix = ctx.keyVariable ? `: check ${ctx.keyVariable}` : ''
    return fail('chat_auth_failed', `rejected the API key (${shown})`, `rejected the API key (HTTP ${shown})${fix}.`)
  }
  if (status === 429) {
    const wait = ctx.retryAfterMs ?? classifyError(err).afterMs
    const retryAfterSeconds = wait !== undefined ? Math.max(1, Math.ceil(wait / 1000)) : undefined
    const hint = retryAfterSeconds !== undefined ? ` Try again in ${retryAfterSeconds} s.` : ' Try again later.'
    return fail('chat_rate_limited', 'rate limited (429)', `is rate limiting requests${tries}.${hint}`, { retryAfterSeconds })
  }
  if (status !== undefined && status >= 500) return fail('chat_failed', `server error (${status})`, `failed (HTTP ${status})${tries}: ${message}`)
  if (status !== undefined)
    return fail('chat_rejected', `request failed (${status}): ${message.slice(0, 120)}`, `rejected the request (HTTP ${status}): ${message}`)
  return fail('chat_failed', `request failed: ${message.slice(0, 120)}`, `could not be reached${tries}: ${message}`)
}

/** First line of the upstream message, short enough to show to an API user. */
function firstLine(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).split('\n')[0].trim()
  return line.length > 300 ? `${line.slice(0, 300)}...` : line || 'no details'
}
