import { HttpError } from '../errors.js'
import { AttemptTimeoutError } from '../retry.js'

export type TtsErrorCode = 'tts_timeout' | 'tts_unavailable' | 'tts_auth_failed' | 'tts_rate_limited' | 'tts_rejected' | 'tts_failed'

const STATUS: Record<TtsErrorCode, number> = {
  tts_timeout: 504,
  tts_unavailable: 503,
  tts_auth_failed: 502,
  tts_rate_limited: 503,
  tts_rejected: 422,
  tts_failed: 502
}

/** Speech could not be made; the message names the engine and what to do. */
export class TtsError extends HttpError {
  override name = 'TtsError'
  constructor(
    readonly engine: string,
    code: TtsErrorCode,
    message: string,
    options?: { cause?: unknown; details?: unknown }
  ) {
    super(STATUS[code], code, message, options?.details)
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

export const ttsTimeout = (engine: string, seconds: number) =>
  new TtsError(engine, 'tts_timeout', `Speech synthesis with ${engine} took longer than ${seconds} s (TTS_TIMEOUT_SECONDS); please try again.`)

/** Maps what a vendor SDK threw onto a TtsError; the caller's own abort passes through. */
export function toTtsError(err: unknown, engine: string, keyVariable: string): unknown {
  if (err instanceof HttpError) return err
  const name = (err as { name?: unknown })?.name
  if (name === 'AbortError' || (err as object | null)?.constructor?.name === 'APIUserAbortError') return err
  if (err instanceof AttemptTimeoutError) return err
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : undefined
  const detail = String((err as Error)?.message ?? err)
    .split('\n')[0]
    .slice(0, 300)
  if (status === 401 || status === 403)
    return new TtsError(engine, 'tts_auth_failed', `The ${engine} speech engine rejected our credentials: check ${keyVariable}.`, { cause: err })
  if (status === 429) return new TtsError(engine, 'tts_rate_limited', `The ${engine} speech engine is rate limiting requests; try again later.`, { cause: err })
  if (status !== undefined && status >= 400 && status < 500) {
    return new TtsError(engine, 'tts_rejected', `The ${engine} speech engine rejected the request (HTTP ${status}): ${detail}`, { cause: err })
  }
  return new TtsError(engine, 'tts_failed', `The ${engine} speech engine failed${status ? ` (HTTP ${status})` : ''}: ${detail}`, { cause: err })
}
