import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { databaseUnavailable, isDatabaseConnectionError } from '../../db/errors.js'
import { HttpError, notFound } from '../../errors.js'
import { ErrorResponseSchema, EnvelopeErrorSchema } from '../../schemas/common.js'

/** What every error handler knows about a failure, before a family gives it its shape. */
export interface ErrorInfo {
  statusCode: number
  code: string
  message: string
  details?: unknown
}

/** Turns an error into the body one API family's clients parse; some protocols echo the request id in it. */
export type ErrorShape = (e: ErrorInfo, request: FastifyRequest) => unknown

/** What the route says about itself, for messages that tell the caller what would have worked. */
export interface ErrorContext {
  /** The request content types the route's schema documents. */
  consumes?: readonly string[]
}

export function describeError(error: FastifyError | HttpError | Error, context: ErrorContext = {}): ErrorInfo {
  if (error instanceof HttpError) return { statusCode: error.statusCode, code: error.code, message: error.message, details: error.details }
  const err = error as FastifyError
  if (err.validation) {
    return { statusCode: 400, code: 'validation_error', message: `Invalid request: ${err.message}`, details: err.validation }
  }
  if (isDatabaseBusy(err)) {
    return { statusCode: 503, code: 'database_busy', message: 'The database has no free connection right now: retry after the Retry-After seconds.' }
  }
  if (isDatabaseConnectionError(err)) {
    const e = databaseUnavailable()
    return { statusCode: e.statusCode, code: e.code, message: e.message }
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
    const accepted = context.consumes?.length
      ? `this route accepts ${context.consumes.join(' or ')}`
      : 'send the content type this route documents (see /docs): multipart/form-data for uploads, application/json otherwise'
    return { statusCode: 415, code: 'unsupported_media_type', message: `Unsupported content type: ${accepted}.` }
  }
  return { statusCode, code: (err.code ?? 'error').toLowerCase(), message: err.message }
}

/**
 * The database pool gave no connection in time: the server is busy, not broken. pg's pool throws a
 * bare Error; Prisma reports its own pool (P2024), a transaction that could not start (P2028) and
 * the server's connection limit (P2037).
 */
function isDatabaseBusy(err: Error & { code?: unknown }): boolean {
  if (err.code === 'P2024' || err.code === 'P2037') return true
  if (err.code === 'P2028') return /unable to start a transaction/i.test(err.message)
  return err.message === 'timeout exceeded when trying to connect'
}

/**
 * A small, explicit picture of the request for logs: never its headers, body or user, so tokens,
 * cookies and e-mail addresses stay out of log files.
 */
export function requestSummary(request: FastifyRequest) {
  return { method: request.method, route: request.routeOptions.url ?? null, remoteAddress: request.ip }
}

/** The shape of routes outside any product family (probes, docs). */
export const defaultShape: ErrorShape = (e) => ({ error: e.code, message: e.message, ...(e.details !== undefined && { details: e.details }) })

/**
 * Gives one encapsulated scope (an API family) its error and 404 shapes. Fastify resolves both by
 * scope and prefix, so no code anywhere looks at URLs to pick a shape.
 */
export function useErrorShape(scope: FastifyInstance, shape: ErrorShape) {
  scope.errorShapes.push({ prefix: scope.prefix, shape })
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const e = describeError(error, { consumes: request.routeOptions.schema?.consumes })
    if (e.statusCode === 503) {
      // Overload, a dependency's outage or shutdown: the server works as designed, so no error and no Sentry event.
      request.log.warn({ err: { message: error.message, code: e.code }, request: requestSummary(request) }, 'request refused: service unavailable')
    } else if (e.statusCode >= 500) {
      request.log.error({ err: error, request: requestSummary(request) }, 'request failed')
      request.server.errorTracking.capture(error, { tags: { request_id: request.id, route: request.routeOptions.url, method: request.method } })
    } else request.log.info({ err: { message: error.message, code: e.code }, statusCode: e.statusCode }, 'request rejected')
    // Errors thrown from inside a route may carry headers set by plugins (Retry-After, Allow).
    if (e.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', request.server.config.OVERLOAD_RETRY_AFTER_SECONDS)
    return reply.code(e.statusCode).send(shape(e, request))
  })
  scope.setNotFoundHandler({ preHandler: scope.notFoundRateLimit }, (request, reply) => {
    const e = notFound(`No route ${request.method} ${request.url.split('?')[0]}. See /docs for the API.`, 'route_not_found')
    return reply.code(404).send(shape({ statusCode: 404, code: e.code, message: e.message }, request))
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Each family's shape with its prefix, for errors raised before routing (renderFrameworkError). */
    errorShapes: { prefix: string; shape: ErrorShape }[]
  }
}

/**
 * Fastify's `frameworkErrors`: a malformed URL and an over-long path parameter are found while the
 * router matches, before any scope exists for the request, so no family's error handler can see
 * them. This is the one place that picks a family's shape by path prefix, from the prefixes the
 * families registered through useErrorShape.
 */
export function renderFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const e: ErrorInfo =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { statusCode: 414, code: 'uri_too_long', message: 'A path segment is too long: check the id in the URL.' }
      : error.code === 'FST_ERR_BAD_URL'
        ? { statusCode: 400, code: 'bad_url', message: 'The URL is malformed: a path segment has invalid percent-encoding.' }
        : describeError(error)
  const path = request.url.split('?')[0]!
  const family = request.server.errorShapes
    .filter(({ prefix }) => prefix === '' || path === prefix || path.startsWith(`${prefix}/`))
    .sort((a, b) => b.prefix.length - a.prefix.length)[0]
  request.log.info({ err: { message: error.message, code: e.code }, statusCode: e.statusCode }, 'request rejected')
  void reply.code(e.statusCode).send((family?.shape ?? defaultShape)(e, request))
}

/** Registers the shared error schemas and the default shape for everything outside a family. */
export default fp(
  async (fastify) => {
    fastify.addSchema(ErrorResponseSchema)
    fastify.addSchema(EnvelopeErrorSchema)
    fastify.decorate('errorShapes', [])
    useErrorShape(fastify, defaultShape)
  },
  { name: 'errors', dependencies: ['rate-limit'] }
)
