import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { normalizeIP } from '@fastify/rate-limit'
import { HttpError } from '../errors.js'

export interface UploadGuardOptions {
  /** Uploads one IP address may have in flight at once (MAX_CONCURRENT_UPLOADS_PER_IP). */
  maxPerIp: number
  /** Length of the window the body is watched over (UPLOAD_IDLE_TIMEOUT_SECONDS). */
  idleSeconds: number
  /** Average rate each window must reach; 0 only asks for one byte (UPLOAD_MIN_BYTES_PER_SECOND). */
  minBytesPerSecond: number
}

/**
 * Upload routes read bodies of up to MAX_UPLOAD_MB, so a client trickling bytes could hold a
 * connection and a request slot for as long as the request timeout allows, and many such clients
 * would exhaust the server. This preHandler caps the uploads in flight per IP address and answers
 * 408 (closing the connection) when a window passes with too few body bytes.
 */
export function uploadGuard(opts: UploadGuardOptions): preHandlerAsyncHookHandler {
  const inFlight = new Map<string, number>()
  return async (request, reply) => {
    const ip = normalizeIP(request.ip)
    const count = inFlight.get(ip) ?? 0
    if (count >= opts.maxPerIp) {
      // Do not read the rest of a body that will not be used.
      reply.header('connection', 'close')
      throw new HttpError(
        429,
        'too_many_uploads',
        `Too many uploads at once: at most ${opts.maxPerIp} from one IP address may be in flight (MAX_CONCURRENT_UPLOADS_PER_IP). Retry when one has finished.`
      )
    }
    inFlight.set(ip, count + 1)
    reply.raw.once('close', () => {
      const left = (inFlight.get(ip) ?? 1) - 1
      if (left > 0) inFlight.set(ip, left)
      else inFlight.delete(ip)
    })
    watchBody(request, reply, opts)
  }
}

/**
 * Counts bytes at the socket rather than listening to the body stream: a 'data' listener would start
 * the stream flowing before the multipart parser is attached. The failure reaches the reader as an
 * error event on the request, which the multipart parser turns into a rejected part.
 */
function watchBody(request: FastifyRequest, reply: FastifyReply, opts: UploadGuardOptions): void {
  const raw = request.raw
  const socket = raw.socket
  if (raw.complete || !socket) return
  const needed = Math.max(1, Math.ceil(opts.minBytesPerSecond * opts.idleSeconds))
  let seen = socket.bytesRead
  const timer = setInterval(() => {
    if (raw.complete) return stop()
    const got = socket.bytesRead - seen
    seen = socket.bytesRead
    // Nobody reads the body yet (the handler is still busy), so a quiet socket is not the client's fault.
    if (got >= needed || raw.listenerCount('error') === 0) return
    stop()
    const message =
      got === 0
        ? `The upload stalled: no data arrived for ${opts.idleSeconds} s (UPLOAD_IDLE_TIMEOUT_SECONDS). Send the file again over a steady connection.`
        : `The upload is too slow: ${got} bytes arrived in ${opts.idleSeconds} s, below the ${opts.minBytesPerSecond} bytes per second required (UPLOAD_MIN_BYTES_PER_SECOND).`
    reply.header('connection', 'close')
    raw.emit('error', new HttpError(408, 'upload_stalled', message))
  }, opts.idleSeconds * 1000)
  timer.unref()
  const stop = () => clearInterval(timer)
  raw.once('end', stop)
  reply.raw.once('close', stop)
}
