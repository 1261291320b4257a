import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import { buildTestApp, type TestApp } from '../helpers/app.js'

const BOUNDARY = 'vxboundary'

/** An upload over a raw socket, so the test decides when (and whether) each byte of the body is sent. */
class SlowUpload {
  readonly socket: Socket
  response = ''
  closed: Promise<void>
  constructor(port: number, path = '/api/calls', declared = 1_000_000) {
    this.socket = connect(port, '127.0.0.1')
    this.socket.setEncoding('latin1')
    this.socket.on('data', (d: string) => (this.response += d))
    this.socket.on('error', () => {})
    this.closed = new Promise((r) => this.socket.once('close', () => r()))
    this.socket.write(
      [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Type: multipart/form-data; boundary=${BOUNDARY}`, `Content-Length: ${declared}`, '', ''].join(
        '\r\n'
      )
    )
    this.socket.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF`)
  }

  get status(): number | null {
    const m = /^HTTP\/1\.1 (\d{3})/.exec(this.response)
    return m ? Number(m[1]) : null
  }

  get body(): { code?: string; error?: string } {
    const at = this.response.indexOf('\r\n\r\n')
    return at < 0 ? {} : (JSON.parse(this.response.slice(at + 4)) as { code?: string; error?: string })
  }

  async waitForResponse(ms: number): Promise<void> {
    const until = Date.now() + ms
    while (this.status === null && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    // The body follows the status line in the same or the next packet.
    await new Promise((r) => setTimeout(r, 100))
  }

  end() {
    this.socket.destroy()
  }
}

describe('slow and parallel uploads', () => {
  let t: TestApp
  let port: number

  beforeAll(async () => {
    t = await buildTestApp({
      env: {
        HEADERS_TIMEOUT_SECONDS: '1',
        UPLOAD_IDLE_TIMEOUT_SECONDS: '1',
        UPLOAD_MIN_BYTES_PER_SECOND: '100',
        MAX_CONCURRENT_UPLOADS_PER_IP: '2',
        RATE_LIMIT_PER_MINUTE: '1000'
      }
    })
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    port = (t.app.server.address() as { port: number }).port
  })
  afterAll(async () => {
    await t?.close()
  })

  it('sets request, header and keep-alive timeouts on the server', () => {
    expect(t.app.server.requestTimeout).toBeGreaterThan(0)
    expect(t.app.server.headersTimeout).toBeGreaterThan(0)
    expect(t.app.server.keepAliveTimeout).toBeGreaterThan(0)
  })

  it('closes a connection whose headers trickle in past HEADERS_TIMEOUT_SECONDS', async () => {
    const socket = connect(port, '127.0.0.1')
    let response = ''
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => (response += d))
    socket.on('error', () => {})
    const closed = new Promise<void>((r) => socket.once('close', () => r()))
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 300)
    try {
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('socket left open')), 4_000))])
      expect(response).toMatch(/^HTTP\/1\.1 408/)
    } finally {
      clearInterval(trickle)
      socket.destroy()
    }
  })

  it('answers 408 and closes the connection when the body stops arriving', async () => {
    const up = new SlowUpload(port)
    const started = Date.now()
    await up.waitForResponse(5_000)
    expect(up.status).toBe(408)
    expect(up.body).toMatchObject({ success: false, code: 'upload_stalled' })
    expect(up.body.error).toContain('UPLOAD_IDLE_TIMEOUT_SECONDS')
    await Promise.race([up.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('socket left open')), 3_000))])
    expect(Date.now() - started).toBeLessThan(4_500)
  })

  it('answers 408 to a body trickled below the minimum rate', async () => {
    const up = new SlowUpload(port)
    const trickle = setInterval(() => up.socket.write('x'), 200)
    try {
      await up.waitForResponse(6_000)
      expect(up.status).toBe(408)
      expect(up.body.error).toContain('UPLOAD_MIN_BYTES_PER_SECOND')
      await Promise.race([up.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('socket left open')), 3_000))])
    } finally {
      clearInterval(trickle)
      up.end()
    }
  })

  it('caps concurrent uploads per IP with a 429 naming MAX_CONCURRENT_UPLOADS_PER_IP, and frees the slot when one ends', async () => {
    const open = [new SlowUpload(port), new SlowUpload(port)]
    // Keep both alive (fast enough for the rate check) while the third arrives.
    const feed = setInterval(() => open.forEach((u) => u.socket.write('x'.repeat(200))), 250)
    try {
      await new Promise((r) => setTimeout(r, 300))
      const third = new SlowUpload(port)
      await third.waitForResponse(3_000)
      expect(third.status).toBe(429)
      expect(third.body).toMatchObject({ success: false, code: 'too_many_uploads' })
      expect(third.body.error).toContain('MAX_CONCURRENT_UPLOADS_PER_IP')
      expect(open.map((u) => u.status)).toEqual([null, null])

      open[0]!.end()
      await open[0]!.closed
      await new Promise((r) => setTimeout(r, 100))
      const next = new SlowUpload(port)
      await new Promise((r) => setTimeout(r, 500))
      expect(next.status).toBeNull()
      next.end()
    } finally {
      clearInterval(feed)
      open.forEach((u) => u.end())
    }
  })
})
