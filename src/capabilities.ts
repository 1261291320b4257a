import fp from 'fastify-plugin'
import type { Config } from './config.js'
import configPlugin from './plugins/app/config.js'
import errorTracking from './plugins/app/error-tracking.js'
import metrics from './plugins/external/metrics.js'
import cache from './plugins/app/cache.js'
import db, { type DbPluginOptions } from './plugins/app/db.js'
import callListCache from './plugins/app/call-list-cache.js'
import storage from './plugins/app/storage.js'
import queue from './plugins/app/queue.js'
import health from './plugins/app/health.js'
import stt, { type SttPluginOptions } from './plugins/app/stt.js'
import diarization from './plugins/app/diarization.js'
import emotion from './plugins/app/emotion.js'
import chat from './plugins/app/chat.js'
import analysis from './plugins/app/analysis.js'
import tts from './plugins/app/tts.js'
import calls from './plugins/app/calls.js'
import coach from './plugins/app/coach.js'

export interface CapabilityOptions {
  config: Config
  db?: DbPluginOptions
  stt?: SttPluginOptions
  /** tags error reports, so the API's and the workers' can be told apart */
  service: 'api' | 'worker'
}

/**
 * What the API and the job workers both run, in dependency order: configuration, error tracking,
 * metrics, the stores (cache, database, blobs, queue), readiness checks, the engines and the call
 * pipeline. Neither HTTP plugins nor routes: the API adds those on top.
 */
export const capabilities = fp<CapabilityOptions>(
  async (fastify, opts) => {
    await fastify.register(configPlugin, { config: opts.config })
    await fastify.register(errorTracking, { service: opts.service })
    await fastify.register(metrics)
    await fastify.register(cache)
    await fastify.register(db, opts.db ?? {})
    await fastify.register(callListCache)
    await fastify.register(storage)
    await fastify.register(queue)
    await fastify.register(health)
    await fastify.register(stt, opts.stt ?? {})
    await fastify.register(diarization)
    await fastify.register(emotion)
    await fastify.register(chat)
    await fastify.register(analysis)
    await fastify.register(tts)
    await fastify.register(calls)
    await fastify.register(coach)
  },
  { name: 'capabilities' }
)
