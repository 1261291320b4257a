import fp from 'fastify-plugin'
import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { HttpError } from '../../errors.js'
import { encodeWav } from '../../stt/wav.js'
import { createStreamingHub, createStreamingMetrics, type Recorder, type StreamingHub } from '../../streaming/index.js'

export interface Streaming {
  hub: StreamingHub
  /** preHandler for WebSocket routes: new streams per minute, per IP address and per account */
  upgradeLimit: preHandlerAsyncHookHandler
  /** whose streams count together: the signed-in account, else the client's address */
  ownerOf(request: FastifyRequest): string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Live transcription: every WebSocket protocol (OpenAI Realtime, Deepgram live, the coach) opens its streams here. */
    streaming: Streaming
  }
}

/**
 * The one streaming hub of this process, its limits from config and its metrics on the app's
 * registry. Registered before the websocket plugin so that at shutdown its streams deliver their
 * finals and close with 1001 before the websocket plugin drops whatever sockets remain.
 */
export default fp(
  async (fastify) => {
    const { config, calls } = fastify
    // A recorded stream becomes a call record like an upload, its pipeline run on the job queue.
    const recorder: Recorder = async ({ owner, engine, language, samples }) => {
      const options = { engine, language, diarize: true, emotion: true, analyze: true, async: true }
      const record = await calls.create({
        ownerId: owner.startsWith('user:') ? owner.slice('user:'.length) : null,
        filename: `stream-${new Date().toISOString().replace(/[:.]/g, '-')}.wav`,
        bytes: encodeWav({ samples, sampleRate: 16000 }),
        options
      })
      await calls.enqueue(record.id, options)
      return record.id
    }
    const hub = createStreamingHub({
      speech: fastify.stt,
      recorder,
      onError: (err, context) => fastify.log.error({ err }, `live transcription: ${context} failed`),
      metrics: createStreamingMetrics(fastify.metrics.registry),
      limits: {
        maxSessionSeconds: config.STREAM_MAX_SESSION_SECONDS,
        maxBufferedSeconds: config.STREAM_MAX_BUFFER_SECONDS,
        idleTimeoutSeconds: config.STREAM_IDLE_TIMEOUT_SECONDS,
        maxUtteranceSeconds: config.STREAM_MAX_UTTERANCE_SECONDS,
        maxSessionsPerUser: config.STREAM_MAX_SESSIONS_PER_USER,
        maxSessions: config.STREAM_MAX_SESSIONS
      }
    })

    const perMinute = config.STREAM_CONNECTS_PER_MINUTE
    const windows = [
      { who: 'from one IP address', key: (r: FastifyRequest) => `stream:ip:${normalizeIP(r.ip)}` },
      { who: 'for one account', key: (r: FastifyRequest) => (r.user ? `stream:user:${r.user.id}` : null) }
    ].map((w) => ({ ...w, count: fastify.createRateLimit({ max: perMinute, timeWindow: 60_000, keyGenerator: (r) => w.key(r)! }) }))
    const upgradeLimit: preHandlerAsyncHookHandler = async (request, reply) => {
      for (const w of windows) {
        if (w.key(request) === null) continue
        const state = await w.count(request)
        if (state.isAllowed || !state.isExceeded) continue
        reply.header('retry-after', state.ttlInSeconds)
        throw new HttpError(
          429,
          'rate_limited',
          `Too many live streams opened: at most ${perMinute} per minute ${w.who} (STREAM_CONNECTS_PER_MINUTE). Retry in ${state.ttlInSeconds} seconds.`
        )
      }
    }

    fastify.decorate('streaming', {
      hub,
      upgradeLimit,
      ownerOf: (request: FastifyRequest) => (request.user ? `user:${request.user.id}` : `ip:${normalizeIP(request.ip)}`)
    })

    fastify.addHook('preClose', async () => {
      let timer: NodeJS.Timeout | undefined
      // Finals of audio already received are worth waiting for, but not past half the shutdown budget.
      await Promise.race([hub.close(), new Promise((resolve) => (timer = setTimeout(resolve, config.SHUTDOWN_TIMEOUT_MS / 2)))])
      clearTimeout(timer)
      // Lets each protocol's reader send its close frame before the websocket plugin closes what is left.
      await new Promise((resolve) => setImmediate(resolve))
    })
  },
  { name: 'streaming', dependencies: ['config', 'metrics', 'stt', 'calls', 'rate-limit'] }
)
