import { gunzipSync } from 'node:zlib'
import { sendJson, startStub, type StubServer } from './server.js'

/** One item of an envelope: its header line and its parsed payload. */
export interface EnvelopeItem {
  header: { type: string; length?: number; [key: string]: unknown }
  payload: unknown
}

export interface Envelope {
  header: Record<string, unknown>
  items: EnvelopeItem[]
  /** the body as it crossed the wire (after gzip), for searching for text that must not be there */
  raw: string
}

/** The parts of a Sentry error event the tests read. */
export interface SentryEvent {
  event_id: string
  level?: string
  environment?: string
  tags?: Record<string, string>
  exception?: { values: Array<{ type: string; value: string }> }
  request?: unknown
  user?: unknown
}

export interface SentryStub extends StubServer {
  /** a DSN that points the SDK at this stub */
  dsn: string
  envelopes: Envelope[]
  /** the `event` items of every envelope, in arrival order */
  events(): SentryEvent[]
}

const PUBLIC_KEY = 'publickey'
const PROJECT = '1'

/**
 * Sentry's ingestion endpoint as the SDKs use it: `POST /api/<project>/envelope/` with the key in the
 * query (`sentry_key`) or the X-Sentry-Auth header, a newline-delimited envelope (header line, then
 * item header and payload lines, an item's `length` counting bytes) that may be gzipped.
 * Failures answer as Sentry does: 401, 429 with Retry-After, 5xx.
 */
export async function startSentryStub(): Promise<SentryStub> {
  const envelopes: Envelope[] = []
  const stub = await startStub((req, body, res, reply) => {
    const url = new URL(req.url ?? '/', 'http://stub')
    if (req.method !== 'POST' || url.pathname !== `/api/${PROJECT}/envelope/`) return sendJson(res, 404, { detail: 'not found' })
    const key = url.searchParams.get('sentry_key') ?? /sentry_key=([^,\s]+)/.exec(String(req.headers['x-sentry-auth'] ?? ''))?.[1]
    if (reply.kind === 'unauthorized' || key !== PUBLIC_KEY) return sendJson(res, 401, { detail: 'invalid api key' })
    if (reply.kind === 'rate-limited') return sendJson(res, 429, { detail: 'rate limited' }, { 'retry-after': String(reply.retryAfterSeconds ?? 60) })
    if (reply.kind === 'error') return sendJson(res, reply.status ?? 500, { detail: 'internal error' })
    if (reply.kind === 'bad-request') return sendJson(res, 400, { detail: reply.message ?? 'invalid envelope' })
    const bytes = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body
    let envelope: Envelope
    try {
      envelope = parseEnvelope(bytes)
    } catch (err) {
      return sendJson(res, 400, { detail: `invalid envelope: ${(err as Error).message}` })
    }
    envelopes.push(envelope)
    sendJson(res, 200, { id: envelope.header.event_id ?? null })
  })
  return Object.assign(stub, {
    dsn: `http://${PUBLIC_KEY}@${stub.url.replace(/^http:\/\//, '')}/${PROJECT}`,
    envelopes,
    events: () => envelopes.flatMap((e) => e.items.filter((i) => i.header.type === 'event').map((i) => i.payload as SentryEvent))
  })
}

/** Splits an envelope into its header and items; an item with `length` is read by bytes, else to the newline. */
export function parseEnvelope(bytes: Buffer): Envelope {
  let at = 0
  const line = () => {
    const end = bytes.indexOf(0x0a, at)
    const text = bytes.toString('utf8', at, end === -1 ? bytes.length : end)
    at = end === -1 ? bytes.length : end + 1
    return text
  }
  const header = JSON.parse(line()) as Record<string, unknown>
  const items: EnvelopeItem[] = []
  while (at < bytes.length) {
    const text = line()
    if (!text.trim()) continue
    const itemHeader = JSON.parse(text) as EnvelopeItem['header']
    if (typeof itemHeader.type !== 'string') throw new Error('item header without a type')
    let payload: string
    if (typeof itemHeader.length === 'number') {
      payload = bytes.toString('utf8', at, at + itemHeader.length)
      at += itemHeader.length
      if (bytes[at] === 0x0a) at++
    } else payload = line()
    items.push({ header: itemHeader, payload: payload.startsWith('{') ? JSON.parse(payload) : payload })
  }
  return { header, items, raw: bytes.toString('utf8') }
}
