import { describe, expect, it } from 'vitest'
import { AttemptTimeoutError, classifyError, retry, retryAfterMs, withTimeout } from '../src/retry.js'

const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { status, headers: new Headers(headers) })

describe('retry', () => {
  it('retries 429 and 5xx until success', async () => {
    const failures = [httpError(429), httpError(503)]
    let calls = 0
    const result = await retry(
      async () => {
        calls++
        const f = failures.shift()
        if (f) throw f
        return 'ok'
      },
      { baseDelayMs: 1 }
    )
    expect(result).toBe('ok')
    expect(calls).toBe(3)
  })

  it.each([400, 401, 403, 404, 422])('never retries HTTP %i', async (status) => {
    let calls = 0
    await expect(
      retry(
        async () => {
          calls++
          throw httpError(status)
        },
        { baseDelayMs: 1 }
      )
    ).rejects.toMatchObject({ status })
    expect(calls).toBe(1)
  })

  it('stops after the attempt limit and rethrows the last error', async () => {
    const statuses = [500, 502, 503, 504, 500]
    let calls = 0
    await expect(
      retry(
        async () => {
          throw httpError(statuses[calls++])
        },
        { attempts: 4, baseDelayMs: 1 }
      )
    ).rejects.toMatchObject({ status: 504 })
    expect(calls).toBe(4)
  })

  it('backs off exponentially with full jitter, capped', async () => {
    const delays: number[] = []
    await retry(
      async (attempt) => {
        if (attempt < 5) throw httpError(500)
      },
      { attempts: 5, baseDelayMs: 1, maxDelayMs: 4, random: () => 1, onRetry: ({ delayMs }) => delays.push(delayMs) }
    )
    expect(delays).toEqual([1, 2, 4, 4])
  })

  it('waits at least as long as Retry-After says', async () => {
    const delays: number[] = []
    await retry(
      async (attempt) => {
        if (attempt === 1) throw httpError(429, { 'retry-after': '0.05' })
      },
      { baseDelayMs: 1, random: () => 0, onRetry: ({ delayMs }) => delays.push(delayMs) }
    )
    expect(delays).toEqual([50])
  })

  it('gives up at once when the wait asked for exceeds the time budget', async () => {
    let calls = 0
    const started = Date.now()
    await expect(
      retry(
        async () => {
          calls++
          throw httpError(429, { 'retry-after': '60' })
        },
        { maxTotalMs: 1000 }
      )
    ).rejects.toMatchObject({ status: 429 })
    expect(calls).toBe(1)
    expect(Date.now() - started).toBeLessThan(500)
  })

  it('stops waiting when aborted', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 20)
    await expect(
      retry(
        async () => {
          throw httpError(503, { 'retry-after': '30' })
        },
        { signal: controller.signal }
      )
    ).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('classifyError', () => {
  it('retries network failures and timeouts, not programming errors', () => {
    expect(classifyError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).retry).toBe(true)
    expect(classifyError(new TypeError('fetch failed', { cause: Object.assign(new Error(), { code: 'ECONNREFUSED' }) })).retry).toBe(true)
    expect(classifyError(new AttemptTimeoutError(10)).retry).toBe(true)
    expect(classifyError(new TypeError('x is not a function')).retry).toBe(false)
  })
})

describe('retryAfterMs', () => {
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000)
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '3' })).toBe(250)
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:10 GMT' }), Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000)
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined()
    expect(retryAfterMs(undefined)).toBeUndefined()
  })
})

describe('withTimeout', () => {
  it('turns its own deadline into AttemptTimeoutError and leaves the caller abort alone', async () => {
    const never = (signal: AbortSignal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))
    await expect(withTimeout(20, undefined, never)).rejects.toBeInstanceOf(AttemptTimeoutError)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 10)
    await expect(withTimeout(5000, controller.signal, never)).rejects.toThrow('aborted')
  })
})
