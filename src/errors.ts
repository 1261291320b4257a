/**
 * Errors with an HTTP status and a stable machine-readable code. Domain code throws these; the one
 * error handler (plugins/app/errors.ts) renders them in the shape each API family expects.
 */
export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown
  ) {
    super(message)
  }
}

export const badRequest = (message: string, code = 'bad_request', details?: unknown) => new HttpError(400, code, message, details)
export const unauthorized = (message = 'Authentication required: send Authorization: Bearer <token>.', code = 'unauthorized') =>
  new HttpError(401, code, message)
export const forbidden = (message: string, code = 'forbidden') => new HttpError(403, code, message)
export const notFound = (message: string, code = 'not_found') => new HttpError(404, code, message)
export const conflict = (message: string, code = 'conflict') => new HttpError(409, code, message)
export const payloadTooLarge = (message: string, code = 'file_too_large') => new HttpError(413, code, message)
export const unavailable = (message: string, code = 'unavailable') => new HttpError(503, code, message)
