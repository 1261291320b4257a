import type { FastifyPluginAsync } from 'fastify'
import { useErrorShape, type ErrorInfo } from '../../plugins/app/errors.js'
import { DeepgramErrorSchema } from '../../deepgram/schema.js'
import prerecordedRoute from './prerecorded.js'
import liveRoute from './live.js'

/** Deepgram's clients branch on a few codes of its own; the rest keep voxlens' stable codes. */
function deepgramCode(e: ErrorInfo): string {
  if (e.statusCode === 401) return 'INVALID_AUTH'
  if (e.statusCode === 429) return 'TOO_MANY_REQUESTS'
  if (e.code === 'fst_err_ctp_body_too_large') return 'file_too_large'
  return e.code
}

/**
 * Deepgram's protocol family at /v1/listen, so Deepgram's SDKs work with their base URL pointed at
 * voxlens: its error object, its `Token <key>` auth scheme besides Bearer, and Deepgram SDKs' keys that
 * are not ours count as anonymous unless AUTH_MODE=required.
 */
const deepgramFamily: FastifyPluginAsync = async (fastify) => {
  fastify.addSchema(DeepgramErrorSchema)
  const maxMb = fastify.config.MAX_UPLOAD_MB
  useErrorShape(fastify, (e, request) => ({
    err_code: deepgramCode(e),
    err_msg:
      e.code === 'fst_err_ctp_body_too_large'
        ? `The audio is larger than this server accepts (MAX_UPLOAD_MB = ${maxMb} MB): send a shorter or more compressed recording.`
        : e.message,
    request_id: request.id
  }))
  // Browsers cannot set headers on a WebSocket, so Deepgram's browser clients send the key as the subprotocols `token, <key>`.
  fastify.addHook('onRequest', async (request) => {
    const offered = request.headers['sec-websocket-protocol']
    if (request.headers.authorization !== undefined || typeof offered !== 'string') return
    const [scheme, key] = offered.split(',').map((p) => p.trim())
    if (scheme?.toLowerCase() === 'token' && key) request.headers.authorization = `Token ${key}`
  })
  const required = fastify.config.AUTH_MODE === 'required'
  fastify.addHook('onRequest', fastify.authenticate({ required, foreignSecretsAreAnonymous: !required, tokenScheme: true }))

  await fastify.register(prerecordedRoute)
  await fastify.register(liveRoute)
}

export default deepgramFamily
