import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What a stub does with the next request. Scripts are consumed one per request; when the script runs
 * out, the stub answers normally.
 */
export type Reply =
  | OkReply
  | { kind: 'unauthorized' }
  | { kind: 'rate-limited'; retryAfterSeconds?: number }
  | { kind: 'error'; status?: number }
  | { kind: 'bad-request'; message?: string }
  /** accept the request and never answer (client timeouts) */
  | { kind: 'hang' }

export interface OkReply {
  kind: 'ok'
  /** the recognised text (speech stubs) or the model's answer (chat stubs) instead of the stub's default */
  text?: string
  language?: string
  /** streamed answers only: send this many deltas, then stall without ending the stream */
  stallAfter?: number
}

/** The replies a vendor stub still has to act on once auth, rate limits and server errors are answered. */
export type Answerable = Extract<Reply, { kind: 'ok' | 'bad-request' }>

export interface StubServer {
  url: string
  /** requests that reached the server, answered or not */
  readonly hits: number
  /** queue replies for the next requests, in order */
  script(...replies: Reply[]): void
  close(): Promise<void>
}

export interface Handler {
  (req: IncomingMessage, body: Buffer, res: ServerResponse, reply: Exclude<Reply, { kind: 'hang' }>): Promise<void> | void
}

/** An HTTP server on 127.0.0.1 with a random port, handing each request and its scripted reply to `handle`. */
export async function startStub(handle: Handler): Promise<StubServer> {
  const queue: Reply[] = []
  let hits = 0
  const server = createServer((req, res) => {
    hits++
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const reply = queue.shift() ?? { kind: 'ok' }
      if (reply.kind === 'hang') return
      Promise.resolve(handle(req, Buffer.concat(chunks), res, reply)).catch((err: Error) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: `stub failed: ${err.message}` } })
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return hits
    },
    script: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests keep sockets open; end them so close() returns.
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/**
 * Server-sent events as the vendors send them: one `data:` line per event, a blank line after each.
 * `events` past `stallAfter` are never sent and the response stays open, as a stalled model's would.
 */
export function sendSse(res: ServerResponse, events: string[], stallAfter?: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
  const sent = stallAfter === undefined ? events : events.slice(0, stallAfter)
  for (const data of sent) res.write(`data: ${data}\n\n`)
  if (stallAfter === undefined) res.end()
}

/** A model's answer cut into word-sized deltas, spaces kept, as token streams arrive. */
export function deltasOf(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? []
}

export interface WavInfo {
  sampleRate: number
  channels: number
  bitsPerSample: number
  seconds: number
}

/** Reads the header of a canonical PCM WAV as our encoder writes it; throws on anything else. */
export function parseWav(bytes: Buffer): WavInfo {
  if (bytes.length < 44 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file')
  }
  if (bytes.readUInt16LE(20) !== 1) throw new Error('WAV is not PCM')
  const channels = bytes.readUInt16LE(22)
  const sampleRate = bytes.readUInt32LE(24)
  const bitsPerSample = bytes.readUInt16LE(34)
  const dataBytes = bytes.readUInt32LE(40)
  if (bytes.length !== 44 + dataBytes) throw new Error(`WAV data size ${dataBytes} does not match the file (${bytes.length} bytes)`)
  return { sampleRate, channels, bitsPerSample, seconds: dataBytes / (sampleRate * channels * (bitsPerSample / 8)) }
}

/** Fake recognition result: `text` spread evenly over the audio, one segment per sentence. */
export function fakeSpeech(text: string, seconds: number) {
  const tokens = text.split(/\s+/).filter(Boolean)
  const step = tokens.length ? seconds / tokens.length : 0
  const words = tokens.map((word, i) => ({ word, start: round(i * step), end: round((i + 1) * step) }))
  const sentences: Array<{ start: number; end: number; text: string }> = []
  let from = 0
  tokens.forEach((t, i) => {
    if (/[.!?]$/.test(t) || i === tokens.length - 1) {
      sentences.push({ start: words[from].start, end: words[i].end, text: tokens.slice(from, i + 1).join(' ') })
      from = i + 1
    }
  })
  return { words, sentences }
}

const round = (x: number) => Math.round(x * 1000) / 1000
