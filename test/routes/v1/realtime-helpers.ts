import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import WebSocket from 'ws'

const run = promisify(execFile)

/** A throwaway self-signed certificate for 127.0.0.1, made for this run. */
export async function throwawayCertificate(): Promise<{ cert: string; key: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'vx-tls-'))
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'])
  return { cert, key }
}

export type ServerEvent = Record<string, unknown> & { type: string }

/** A plain ws client of /v1/realtime, for what the official SDK will not send (bad JSON, binary frames). */
export class RawRealtimeClient {
  readonly events: ServerEvent[] = []
  readonly socket: WebSocket
  closed: Promise<{ code: number; reason: string }>
  private waiters: Array<() => void> = []

  constructor(url: string, headers: Record<string, string> = {}) {
    this.socket = new WebSocket(url, { rejectUnauthorized: false, headers })
    this.socket.on('message', (data) => {
      this.events.push(JSON.parse(data.toString()))
      for (const w of this.waiters.splice(0)) w()
    })
    this.closed = new Promise((resolve) => this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve())
      // ws reports a refused upgrade as "Unexpected server response: <status>" and closes the socket.
      this.socket.once('error', (err) => reject(Object.assign(err, { statusCode: Number(/response: (\d+)/.exec(err.message)?.[1]) })))
    })
  }

  send(event: unknown): void {
    this.socket.send(typeof event === 'string' ? event : JSON.stringify(event))
  }

  /** The next event (after those already seen by `from`) that matches. */
  async next(match: (e: ServerEvent) => boolean, from = 0): Promise<ServerEvent> {
    for (;;) {
      const found = this.events.slice(from).find(match)
      if (found) return found
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }
}
