import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from './config.js'
import { loggerOptions } from './logger.js'
import configPlugin from './plugins/app/config.js'
import errorTracking from './plugins/app/error-tracking.js'
import metrics from './plugins/external/metrics.js'
import cache from './plugins/app/cache.js'
import db, { type DbPluginOptions } from './plugins/app/db.js'
import storage from './plugins/app/storage.js'
import queue from './plugins/app/queue.js'
import health from './plugins/app/health.js'
import stt, { type SttPluginOptions } from './plugins/app/stt.js'
import diarization from './plugins/app/diarization.js'
import emotion from './plugins/app/emotion.js'
import chat from './plugins/app/chat.js'
import analysis from './plugins/app/analysis.js'
import calls from './plugins/app/calls.js'
import jobs from './plugins/app/jobs.js'

export interface WorkerAppOptions {
  config: Config
  db?: DbPluginOptions
  stt?: SttPluginOptions
}

/**
 * What background jobs need and nothing else: the capabilities the pipeline, webhooks and
 * maintenance use, and the job workers. No routes and no HTTP plugins (swagger, multipart, helmet,
 * cors, rate limits, websockets, auth); Fastify here only orders plugins and closes them. Metrics
 * are collected for the pipeline's counters, and /ready checks register as they do in the API.
 */
export const workerApp = fp<WorkerAppOptions>(
  async (fastify, opts) => {
    await fastify.register(configPlugin, { config: opts.config })
    await fastify.register(errorTracking, { service: 'worker' })
    await fastify.register(metrics)
    await fastify.register(cache)
    await fastify.register(db, opts.db ?? {})
    await fastify.register(storage)
    await fastify.register(queue)
    await fastify.register(health)
    await fastify.register(stt, opts.stt ?? {})
    await fastify.register(diarization)
    await fastify.register(emotion)
    await fastify.register(chat)
    await fastify.register(analysis)
    await fastify.register(calls)
    await fastify.register(jobs, { work: true })
  },
  { name: 'voxlens-worker' }
)

/** The worker as a ready-to-start instance; it is never given a port. */
export async function buildWorkerApp(opts: WorkerAppOptions & { logger?: FastifyServerOptions['logger'] }): Promise<FastifyInstance> {
  // As in the API: first boot of embedded Postgres (initdb + migrations) can take a while.
  const fastify = Fastify({ logger: opts.logger ?? loggerOptions(opts.config), pluginTimeout: 120_000 })
  await fastify.register(workerApp, opts)
  return fastify
}
