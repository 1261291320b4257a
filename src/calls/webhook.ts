import { createHmac } from 'node:crypto'

export interface WebhookDelivery {
  url: string
  event: string
  body: unknown
  secret?: string
}

/**
 * One failed POST. The message names the status or the network failure, never the URL, so it can be
 * stored on the record and logged as is.
 */
export class WebhookError extends Error {
  override name = 'WebhookError'
  constructor(message: string, readonly status: number | null) {
    super(message)
  }

  /** 408, 429, 5xx and network failures may pass; any other 4xx is the receiver's final answer. */
  get retryable(): boolean {
    return this.status === null || this.status === 408 || this.status === 429 || this.status < 400 || this.status >= 500
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

/** Only the host goes into logs: paths and query strings of webhook URLs often carry tokens. */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'invalid-url'
  }
}

/**
 * POSTs the event once and resolves on a 2xx; anything else throws a WebhookError. Retrying is the
 * job queue's business (attempts with backoff), so a slow receiver never holds a worker for long.
 */
export async function deliverWebhook(d: WebhookDelivery, opts: { timeoutMs?: number } = {}): Promise<void> {
  const body = JSON.stringify({ event: d.event, data: d.body })
  const timeoutMs = opts.timeoutMs ?? 10_000
  const timestamp = Math.floor(Date.now() / 1000)
  let res: Response
  try {
    res = await fetch(d.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'voxlens-webhook',
        'x-voxlens-event': d.event,
        ...(d.secret && { 'x-voxlens-signature': signWebhook(d.secret, timestamp, body) })
      },
      body,
      signal: AbortSignal.timeout(timeoutMs)
    })
  } catch (err) {
    throw new WebhookError(describeNetworkError(err, timeoutMs), null)
  }
  await res.body?.cancel()
  if (!res.ok) throw new WebhookError(`receiver answered ${res.status}`, res.status)
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: unknown } }
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : null
  return code ? `could not reach the receiver (${code})` : 'could not reach the receiver'
}
