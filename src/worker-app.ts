import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from './config.js'
import { loggerOptions } from './logger.js'
import type { DbPluginOptions } from './plugins/app/db.js'
import type { SttPluginOptions } from './plugins/app/stt.js'
import { capabilities } from './capabilities.js'
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
    await fastify.register(capabilities, { ...opts, service: 'worker' })
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
