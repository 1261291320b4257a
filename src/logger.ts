import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'

/** pino options shared by the API and the worker: JSON lines, pretty only for a person at a terminal. */
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    ...(process.stdout.isTTY &&
      config.NODE_ENV !== 'production' && { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } })
  }
}
