import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { ServerOptions } from 'node:http'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ConfigError, type Config } from './config.js'
import { loggerOptions } from './logger.js'
import helmet from './plugins/external/helmet.js'
import cors from './plugins/external/cors.js'
import multipart from './plugins/external/multipart.js'
import websocket from './plugins/external/websocket.js'
import swagger from './plugins/external/swagger.js'
import rateLimit from './plugins/external/rate-limit.js'
import loadShedding from './plugins/external/under-pressure.js'
import type { DbPluginOptions } from './plugins/app/db.js'
import auth from './plugins/app/auth.js'
import inflight from './plugins/app/inflight.js'
import streaming from './plugins/app/streaming.js'
import jobs, { type JobsPluginOptions } from './plugins/app/jobs.js'
import type { SttPluginOptions } from './plugins/app/stt.js'
import { capabilities } from './capabilities.js'
import errors, { renderFrameworkError } from './plugins/app/errors.js'
import { authSchemas } from './schemas/auth.js'
import { callSchemas } from './schemas/calls.js'
import systemRoutes from './routes/system/index.js'
import apiFamily from './routes/api/index.js'
import openAiFamily from './routes/v1/index.js'
import realtimeFamily from './routes/v1/realtime/index.js'
import deepgramFamily from './routes/deepgram/index.js'
import uploadFamily from './routes/upload/index.js'
import audioFamily from './routes/audio/index.js'
import coachFamily from './routes/coach/index.js'
import practiceFamily from './routes/practice/index.js'
import coachLiveFamily from './routes/ws/index.js'

export interface AppOptions {
  config: Config
  db?: DbPluginOptions
  jobs?: JobsPluginOptions
  stt?: SttPluginOptions
}

/** The whole service as one plugin: capabilities first, then the route tree. Never listens. */
export const app = fp<AppOptions>(
  async (fastify, opts) => {
    await fastify.register(capabilities, { config: opts.config, db: opts.db, stt: opts.stt, service: 'api' })
    await fastify.register(inflight)
    await fastify.register(helmet)
    await fastify.register(cors)
    await fastify.register(rateLimit)
    // Before websocket: at shutdown live streams deliver their finals before remaining sockets are dropped.
    await fastify.register(streaming)
    await fastify.register(websocket)
    await fastify.register(swagger)
    await fastify.register(auth)
    await fastify.register(jobs, opts.jobs ?? {})
    await fastify.register(errors)
    await fastify.register(loadShedding)

    // Callback hooks: these run on every request, and an async hook costs a promise each time.
    fastify.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id)
      done()
    })
    // Responses that finish during shutdown ask the client to close the socket, so keep-alive
    // connections do not hold the server open until their idle timeout.
    let closing = false
    fastify.addHook('preClose', async () => {
      closing = true
    })
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (closing) reply.header('connection', 'close')
      done(null, payload)
    })
    for (const schema of [...authSchemas, ...callSchemas]) fastify.addSchema(schema)

    // Each API family is one scope with its own error shape, 404 shape and auth policy.
    await fastify.register(systemRoutes)
    // The product families share one scope for form parsing: @fastify/multipart adds two async hooks
    // to every request in its scope, which the probes and /metrics have no use for.
    await fastify.register(async (families) => {
      await families.register(multipart)
      await families.register(apiFamily, { prefix: '/api' })
      await families.register(deepgramFamily, { prefix: '/v1/listen' })
      await families.register(realtimeFamily, { prefix: '/v1/realtime' })
      await families.register(openAiFamily, { prefix: '/v1' })
      await families.register(uploadFamily, { prefix: '/upload' })
      await families.register(audioFamily, { prefix: '/audio' })
      await families.register(coachFamily, { prefix: '/api/v1' })
      await families.register(practiceFamily, { prefix: '/api/v1/ai' })
      await families.register(coachLiveFamily, { prefix: '/ws' })
    })
  },
  { name: 'voxlens' }
)

const REQUEST_ID = /^[\w.:-]{1,128}$/

export function serverOptions(config: Config, logger?: FastifyServerOptions['logger']): FastifyServerOptions {
  return {
    logger: logger ?? loggerOptions(config),
    // Keep a well-formed request id from a caller or proxy so logs can be joined across services.
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id']
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
    },
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 1024 * 1024,
    // Slow or stalled clients cannot hold connections for ever (see requestTimeouts).
    connectionTimeout: 0,
    ...withTls(config, requestTimeouts(config)),
    // First boot of embedded Postgres (initdb + migrations) can take a while on a busy small machine.
    pluginTimeout: 120_000,
    return503OnClosing: true,
    // Bad URLs and over-long path parameters are rejected before routing; this gives them each family's shape.
    frameworkErrors: renderFrameworkError,
    forceCloseConnections: 'idle'
  }
}

/**
 * With TLS_CERT_FILE and TLS_KEY_FILE the server speaks HTTPS (and wss://) itself, with the same timeouts.
 * An unreadable file stops start-up with a message naming the variable.
 */
function withTls<T extends { http: ServerOptions }>(
  config: Config,
  options: T
): Omit<T, 'http'> & { http?: ServerOptions; https?: ServerOptions & { cert: Buffer; key: Buffer } } {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } = config
  if (!certFile && !keyFile) return options
  if (!certFile || !keyFile)
    throw new ConfigError(`Invalid configuration:\n  ${certFile ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'}=null: set both TLS_CERT_FILE and TLS_KEY_FILE, or neither`)
  const read = (name: string, path: string) => {
    try {
      return readFileSync(path)
    } catch (err) {
      throw new ConfigError(
        `Invalid configuration:\n  ${name}=${JSON.stringify(path)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
      )
    }
  }
  const { http, ...rest } = options
  return { ...rest, https: { ...http, cert: read('TLS_CERT_FILE', certFile), key: read('TLS_KEY_FILE', keyFile) } }
}

/**
 * The whole request (body included) must arrive within REQUEST_TIMEOUT_SECONDS (by default enough for
 * MAX_UPLOAD_MB at 1 Mbit/s), its headers within HEADERS_TIMEOUT_SECONDS; Node answers 408 and closes.
 * Node checks these every connectionsCheckingInterval, 30 s by default, which would stretch short ones.
 */
function requestTimeouts(config: Config): { requestTimeout: number; keepAliveTimeout: number; http: ServerOptions } {
  const requestTimeout = Math.round((config.REQUEST_TIMEOUT_SECONDS ?? Math.max(300, config.MAX_UPLOAD_MB * 8)) * 1000)
  const headersTimeout = Math.min(requestTimeout, Math.round(config.HEADERS_TIMEOUT_SECONDS * 1000))
  return {
    requestTimeout,
    keepAliveTimeout: Math.round(config.KEEP_ALIVE_TIMEOUT_SECONDS * 1000),
    http: { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.min(5_000, Math.max(250, headersTimeout / 4)) }
  }
}

export async function buildApp(opts: AppOptions & { logger?: FastifyServerOptions['logger'] }): Promise<FastifyInstance> {
  const fastify = Fastify(serverOptions(opts.config, opts.logger)).withTypeProvider<TypeBoxTypeProvider>()
  await fastify.register(app, opts)
  return fastify
}
