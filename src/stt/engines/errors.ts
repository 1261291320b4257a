import { HttpError } from '../../errors.js'
import { AttemptTimeoutError, classifyError } from '../../retry.js'

export type SttErrorCode = 'engine_unavailable' | 'engine_auth_failed' | 'engine_rate_limited' | 'engine_timeout' | 'engine_rejected' | 'engine_failed'

const STATUS: Record<SttErrorCode, number> = {
  engine_unavailable: 503,
  engine_auth_failed: 502,
  engine_rate_limited: 503,
  engine_timeout: 504,
  engine_rejected: 422,
  engine_failed: 502
}

/** A speech engine could not give a transcript; the message names the engine and what to do. */
export class SttError extends HttpError {
  override name = 'SttError'
  constructor(
    readonly engine: string,
    code: SttErrorCode,
    message: string,
    details?: { retryAfterSeconds?: number; attempts?: number; upstreamStatus?: number },
    options?: { cause?: unknown }
  ) {
    super(STATUS[code], code, message, details)
    if (options?.cause !== undefined) this.cause = options.cause
  }

  /** the `SttErrorCode`, typed */
  get sttCode(): SttErrorCode {
    return this.code as SttErrorCode
  }
}

export interface FailureContext {
  engine: string
  /** the variable an operator sets to fix credentials, e.g. GROQ_API_KEY */
  keyVariable: string
  attempts: number
  /** server's wait hint when the failure was a rate limit */
  retryAfterMs?: number
}

/**
 * Turns whatever a vendor SDK threw into an SttError. The caller's own abort passes through untouched so
 * request cancellation is not reported as an engine fault.
 */
export function toSttError(err: unknown, ctx: FailureContext): unknown {
  if (err instanceof SttError) return err
  if (isAbort(err)) return err
  const { engine, attempts } = ctx
  const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : undefined
  const detail = describe(err)

  if (err instanceof AttemptTimeoutError || /Timeout/.test(String((err as Error)?.name))) {
    return new SttError(engine, 'engine_timeout', `The ${engine} engine did not answer in time${tries}.`, { attempts }, { cause: err })
  }
  if (status === 401 || status === 403) {
    return new SttError(
      engine,
      'engine_auth_failed',
      `The ${engine} engine rejected our credentials (HTTP ${status}): check ${ctx.keyVariable}.`,
      { upstreamStatus: status },
      { cause: err }
    )
  }
  if (status === 429) {
    const wait = ctx.retryAfterMs ?? classifyError(err).afterMs
    const retryAfterSeconds = wait !== undefined ? Math.max(1, Math.ceil(wait / 1000)) : undefined
    const hint = retryAfterSeconds !== undefined ? ` Try again in ${retryAfterSeconds} s.` : ' Try again later.'
    return new SttError(
      engine,
      'engine_rate_limited',
      `The ${engine} engine is rate limiting requests${tries}.${hint}`,
      { retryAfterSeconds, attempts, upstreamStatus: status },
      { cause: err }
    )
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new SttError(
      engine,
      'engine_rejected',
      `The ${engine} engine rejected the request (HTTP ${status}): ${detail}`,
      { upstreamStatus: status },
      { cause: err }
    )
  }
  if (status === undefined && classifyError(err).retry) {
    return new SttError(engine, 'engine_unavailable', `The ${engine} engine could not be reached${tries}: ${detail}`, { attempts }, { cause: err })
  }
  const code = status !== undefined ? ` (HTTP ${status})` : ''
  return new SttError(engine, 'engine_failed', `The ${engine} engine failed${code}${tries}: ${detail}`, { attempts, upstreamStatus: status }, { cause: err })
}

function isAbort(err: unknown): boolean {
  const name = (err as { name?: unknown })?.name
  return name === 'AbortError' || (err as object | null)?.constructor?.name === 'APIUserAbortError'
}

/** First line of the upstream message, short enough to show to an API user. */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const line = message.split('\n')[0].trim()
  return line.length > 300 ? `${line.slice(0, 300)}...` : line || 'no details'
}
