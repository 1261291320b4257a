import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError, notFound } from '../../errors.js'
import { ErrorResponseSchema, EnvelopeErrorSchema } from '../../schemas/common.js'

type ErrorStyle = 'envelope' | 'openai' | 'plain' | 'validation' | 'default'

/** Each API family keeps the error shape its existing clients parse. */
export function errorStyleFor(url: string): ErrorStyle {
  const path = url.split('?')[0]
  if (path === '/api' || path.startsWith('/api/')) return 'envelope'
  if (path === '/v1' || path.startsWith('/v1/')) return 'openai'
  if (path === '/upload') return 'plain'
  if (path === '/audio/analyze') return 'validation'
  return 'default'
}

interface Normalised {
  statusCode: number
  code: string
  message: string
  details?: unknown
}

function normalise(error: FastifyError | HttpError | Error): Normalised {
  if (error instanceof HttpError) return { statusCode: error.statusCode, code: error.code, message: error.message, details: error.details }
  const err = error as FastifyError
  if (err.validation) {
    return { statusCode: 400, code: 'validation_error', message: `Invalid request: ${err.message}`, details: err.validation }
  }
  const statusCode = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
  if (statusCode >= 500) return { statusCode, code: 'internal_error', message: 'Internal server error: the failure was logged with this request id.' }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
    return { statusCode: 400, code: 'malformed_json', message: 'Malformed JSON body: send a valid JSON document.' }
  }
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { statusCode: 400, code: 'empty_json', message: 'The JSON body is empty: send a JSON document or drop the content-type header.' }
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { statusCode: 415, code: 'unsupported_media_type', message: `${err.message}. Send application/json or multipart/form-data as the route documents.` }
  }
  return { statusCode, code: (err.code ?? 'error').toLowerCase(), message: err.message }
}

const openAiType = (status: number) =>
  status === 401 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error'

export function renderError(request: FastifyRequest, reply: FastifyReply, e: Normalised) {
  reply.code(e.statusCode)
  switch (errorStyleFor(request.url)) {
    case 'envelope':
      return reply.send({ success: false, error: e.message, code: e.code, ...(e.details !== undefined && { details: e.details }) })
    case 'openai':
      return reply.send({ error: { message: e.message, type: openAiType(e.statusCode), param: null, code: e.code } })
    case 'plain':
      return reply.send({ error: e.message })
    case 'validation':
      return reply.send({ error: e.statusCode < 500 ? 'ValidationError' : 'InternalError', message: e.message, details: { code: e.code, ...(e.details !== undefined && { info: e.details }) } })
    default:
      return reply.send({ error: e.code, message: e.message, ...(e.details !== undefined && { details: e.details }) })
  }
}

/** One error handler and one 404 handler for the whole app; error schemas are registered once here. */
export default fp(
  async (fastify) => {
    fastify.addSchema(ErrorResponseSchema)
    fastify.addSchema(EnvelopeErrorSchema)

    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      const e = normalise(error)
      if (e.statusCode >= 500) request.log.error({ err: error, request }, 'request failed')
      else request.log.info({ err: { message: error.message, code: e.code }, statusCode: e.statusCode }, 'request rejected')
      // Errors thrown from inside a route may carry headers set by plugins (Retry-After, Allow).
      return renderError(request, reply, e)
    })

    fastify.setNotFoundHandler(
      { preHandler: fastify.notFoundRateLimit },
      (request, reply) => {
        const e = notFound(`No route ${request.method} ${request.url.split('?')[0]}. See /docs for the API.`, 'route_not_found')
        return renderError(request, reply, { statusCode: 404, code: e.code, message: e.message })
      }
    )
  },
  { name: 'errors', dependencies: ['rate-limit'] }
)
