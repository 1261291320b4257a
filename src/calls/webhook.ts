import { createHmac } from 'node:crypto'
import { retry } from '../retry.js'

export interface WebhookDelivery {
  url: string
  event: string
  body: unknown
  secret?: string
}

class WebhookStatusError extends Error {
  constructor(readonly status: number) {
    super(`webhook answered ${status}`)
  }
}

/**
 * Signature over `${timestamp}.${body}` with HMAC-SHA256, sent as
 * `X-Voxlens-Signature: t=<unix seconds>,v1=<hex>`; receivers recompute it with the shared
 * WEBHOOK_SECRET and reject stale timestamps to stop replays.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** POSTs the event; retries network errors, 429 and 5xx with backoff; a 4xx other than 429 is final. */
export async function deliverWebhook(d: WebhookDelivery, opts: { attempts?: number; baseDelayMs?: number; timeoutMs?: number } = {}) {
  const body = JSON.stringify({ event: d.event, data: d.body })
  let attempts = 0
  await retry(
    async () => {
      attempts++
      const timestamp = Math.floor(Date.now() / 1000)
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'voxlens-webhook',
          'x-voxlens-event': d.event,
          ...(d.secret && { 'x-voxlens-signature': signWebhook(d.secret, timestamp, body) })
        },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000)
      })
      await res.body?.cancel()
      if (!res.ok) throw new WebhookStatusError(res.status)
    },
    {
      attempts: opts.attempts ?? 5,
      baseDelayMs: opts.baseDelayMs ?? 1_000,
      maxDelayMs: 60_000,
      maxTotalMs: 10 * 60_000,
      classify: (err) => ({ retry: !(err instanceof WebhookStatusError) || err.status === 429 || err.status >= 500 })
    }
  )
  return { attempts }
}
