import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the stub does with the next request; replies are consumed in order, and once the script runs
 * out every request gets `ok`.
 */
export type Reply =
  /** a well-formed answer whose content is `body` (JSON-encoded) or the stub's default analysis */
  | { kind: 'ok'; body?: unknown }
  /** content that is not JSON at all */
  | { kind: 'not-json' }
  /** valid JSON that fails the analysis schema */
  | { kind: 'bad-schema' }
  | { kind: 'unauthorized' }
  | { kind: 'rate-limited' }
  | { kind: 'server-error' }
  /** accept the request and never answer */
  | { kind: 'hang' }

export interface Received {
  path: string
  headers: IncomingMessage['headers']
  body: any
}

export interface LlmStub {
  url: string
  /** every request that reached the stub, answered or not */
  readonly requests: Received[]
  script(...replies: Reply[]): void
  close(): Promise<void>
}

export type Handler = (req: Received, reply: Reply, res: ServerResponse) => void

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/** An HTTP server on 127.0.0.1, port chosen by the OS, handing each parsed request and its scripted reply to `handle`. */
export async function startLlmStub(handle: Handler): Promise<LlmStub> {
  const queue: Reply[] = []
  const requests: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString()
      const received = { path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined }
      requests.push(received)
      const reply = queue.shift() ?? { kind: 'ok' }
      if (reply.kind !== 'hang') handle(received, reply, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests hold their sockets; end them so close() returns.
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A plausible model answer, distinct from what the builtin analyzer would say. */
export const STUB_ANALYSIS = {
  summary: 'The customer bought the premium plan after asking about the price.',
  tags: ['client wants to buy', 'sale'],
  intent: 'purchase',
  mood: 'positive',
  emotions: ['joy'],
  roles: { A: 'agent', B: 'customer' },
  insights: ['The customer asked about pricing once.', 'The sale closed on the first call.'],
  entities: [{ type: 'organization', text: 'Acme Telecom' }]
}

/** Answer content for a reply kind that produces content; undefined for the HTTP-error kinds. */
export function contentFor(reply: Reply, isRefine: boolean): string | undefined {
  switch (reply.kind) {
    case 'ok':
      return JSON.stringify(reply.body ?? (isRefine ? { text: 'Could you please send me the report?' } : STUB_ANALYSIS))
    case 'not-json':
      return 'Sure! Here is the analysis you asked for: the customer bought a plan.'
    case 'bad-schema':
      return JSON.stringify(isRefine ? { rewritten: 42 } : { summary: 42, tags: 'sale', mood: 'ecstatic' })
    default:
      return undefined
  }
}
