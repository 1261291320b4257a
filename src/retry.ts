import { setTimeout as sleep } from 'node:timers/promises'

/** What to do after a failed attempt; `afterMs` is the server's own hint (Retry-After), if any. */
export interface RetryDecision {
  retry: boolean
  afterMs?: number
}

export interface RetryOptions {
  /** attempts in total, the first included (default 3) */
  attempts?: number
  /** first backoff step; doubles per attempt (default 500 ms) */
  baseDelayMs?: number
  /** cap of one backoff step (default 8 s) */
  maxDelayMs?: number
  /** no attempt starts after this much time has passed since the first (default 2 min) */
  maxTotalMs?: number
  signal?: AbortSignal
  classify?: (err: unknown) => RetryDecision
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void
  /** injectable for tests; defaults to Math.random */
  random?: () => number
}

/** Thrown by `withTimeout` when one attempt took too long (the caller's own abort is not this). */
export class AttemptTimeoutError extends Error {
  override name = 'AttemptTimeoutError'
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`)
  }
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])
const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])

/**
 * Runs `fn` until it succeeds, the error is not worth retrying, attempts run out, the time budget would be
 * exceeded, or `signal` aborts. Backoff is "full jitter" (a random delay up to the exponential step) so
 * that many clients hitting the same rate limit do not retry in lockstep. Only use it for idempotent calls.
 * The last error is rethrown unchanged, so callers map it as if there had been one attempt.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 3)
  const base = opts.baseDelayMs ?? 500
  const cap = opts.maxDelayMs ?? 8000
  const deadline = Date.now() + (opts.maxTotalMs ?? 120_000)
  const classify = opts.classify ?? classifyError
  const random = opts.random ?? Math.random

  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted()
    try {
      return await fn(attempt)
    } catch (err) {
      if (opts.signal?.aborted || attempt >= attempts) throw err
      const decision = classify(err)
      if (!decision.retry) throw err
      const backoff = random() * Math.min(cap, base * 2 ** (attempt - 1))
      // A server that names its own wait knows better than our backoff; never retry sooner than it asks.
      const delayMs = Math.round(Math.max(backoff, decision.afterMs ?? 0))
      if (Date.now() + delayMs > deadline) throw err
      opts.onRetry?.({ attempt, delayMs, error: err })
      await sleep(delayMs, undefined, { signal: opts.signal })
    }
  }
}

/** Runs one attempt with its own deadline, passing a signal that also follows the caller's. */
export async function withTimeout<T>(timeoutMs: number, signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timer = new AbortController()
  const handle = setTimeout(() => timer.abort(new AttemptTimeoutError(timeoutMs)), timeoutMs)
  try {
    return await fn(signal ? AbortSignal.any([signal, timer.signal]) : timer.signal)
  } catch (err) {
    // SDKs report an aborted request in their own ways; what matters is which deadline fired.
    if (timer.signal.aborted && !signal?.aborted) throw new AttemptTimeoutError(timeoutMs)
    throw err
  } finally {
    clearTimeout(handle)
  }
}

/**
 * Default policy for HTTP clients: 408/425/429/5xx, network failures and timeouts are retried; any other
 * status (400, 401, 403, 404, 413, 422 ...) is an answer that will not change on a second try.
 */
export function classifyError(err: unknown): RetryDecision {
  const e = err as { status?: unknown; headers?: unknown; code?: unknown; name?: unknown; cause?: { code?: unknown } } | null
  if (!e || typeof e !== 'object') return { retry: false }
  if (typeof e.status === 'number') {
    return RETRY_STATUS.has(e.status) ? { retry: true, afterMs: retryAfterMs(e.headers) } : { retry: false }
  }
  if (err instanceof AttemptTimeoutError) return { retry: true }
  // openai and groq-sdk leave `name` as 'Error'; their class names are the stable part.
  const kind = typeof e.name === 'string' && e.name !== 'Error' ? e.name : (err as object).constructor?.name
  if (kind && /^API(Connection|ConnectionTimeout)Error$/.test(kind)) return { retry: true }
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined
  return { retry: code !== undefined && NETWORK_CODES.has(code) }
}

/** Reads `retry-after-ms` (OpenAI) or `Retry-After` (seconds or an HTTP date) from Headers or a plain object. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  const get = (name: string): string | undefined => {
    if (!headers || typeof headers !== 'object') return undefined
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
    const value = (headers as Record<string, unknown>)[name]
    return typeof value === 'string' ? value : undefined
  }
  const ms = Number(get('retry-after-ms'))
  if (get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms
  const value = get('retry-after')?.trim()
  if (!value) return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
