import type { FastifyRequest, FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'

// Query parameters that carry credentials: WebSocket clients that cannot set headers (browsers) send
// their token in the URL, and the request log would otherwise keep it.
const SECRET_PARAMS = /([?&](?:token|access_token|api_key|apikey|key)=)[^&#]*/gi

/** The URL as logged: credentials in the query string replaced by a marker. */
export function redactUrl(url: string): string {
  return url.includes('?') ? url.replace(SECRET_PARAMS, '$1[redacted]') : url
}

/** pino options shared by the API and the worker: JSON lines, pretty only for a person at a terminal. */
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    serializers: {
      // Fastify's own request fields, with the URL's credentials masked.
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort
      })
    },
    ...(process.stdout.isTTY &&
      config.NODE_ENV !== 'production' && { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } })
  }
}
