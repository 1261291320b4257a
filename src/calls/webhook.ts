import { createHmac } from 'node:crypto'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { describeRefusal, publicOnlyLookup, refusedAddress, type WebhookPolicy } from './webhook-address.js'

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
  constructor(
    message: string,
    readonly status: number | null,
    private readonly final = false
  ) {
    super(message)
  }

  /**
   * 408, 429, 5xx and network failures may pass; any other 4xx is the receiver's final answer, and so
   * are redirects (never followed: the next hop could be an internal address) and refused addresses.
   */
  get retryable(): boolean {
    if (this.final) return false
    return this.status === null || this.status === 408 || this.status === 429 || this.status >= 500
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
 * Unless the policy allows them, private receivers are refused after DNS, and the connection goes to
 * the very address that was checked.
 */
export async function deliverWebhook(d: WebhookDelivery, opts: { timeoutMs?: number; policy?: WebhookPolicy } = {}): Promise<void> {
  const body = JSON.stringify({ event: d.event, data: d.body })
  const timeoutMs = opts.timeoutMs ?? 10_000
  const policy = opts.policy ?? { allowHttp: false, allowPrivate: false }
  const timestamp = Math.floor(Date.now() / 1000)
  let url: URL
  try {
    url = new URL(d.url)
  } catch {
    throw new WebhookError('refused: the receiver URL is invalid', null, true)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new WebhookError('refused: the receiver is not https (set WEBHOOK_ALLOW_HTTP=true to allow plain http)', null, true)
  }
  const literal = url.hostname.replace(/^\[|\]$/g, '')
  const kind = !policy.allowPrivate && isIP(literal) ? refusedAddress(literal) : null
  if (kind) throw new WebhookError(`refused: ${describeRefusal(literal, kind)}`, null, true)

  const signal = AbortSignal.timeout(timeoutMs)
  let res: IncomingMessage
  try {
    res = await new Promise<IncomingMessage>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest
      const req = send(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'voxlens-webhook',
            'x-voxlens-event': d.event,
            ...(d.secret && { 'x-voxlens-signature': signWebhook(d.secret, timestamp, body) })
          },
          signal,
          ...(!policy.allowPrivate && { lookup: publicOnlyLookup })
        },
        resolve
      )
      req.on('error', reject)
      req.end(body)
    })
  } catch (err) {
    if ((err as { code?: string }).code === 'EWEBHOOKREFUSED') throw new WebhookError(`refused: ${(err as Error).message}`, null, true)
    throw new WebhookError(describeNetworkError(err, timeoutMs, signal.aborted), null)
  }
  res.resume()
  const status = res.statusCode ?? 0
  if (status >= 300 && status < 400) throw new WebhookError(`receiver answered ${status}: redirects are not followed`, status, true)
  if (status < 200 || status >= 300) throw new WebhookError(`receiver answered ${status}`, status)
}

function describeNetworkError(err: unknown, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' ? `could not reach the receiver (${code})` : 'could not reach the receiver'
}
