import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { unavailable } from '../../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the route answers under pressure too (the probes). */
    loadShedding?: boolean
  }
}

/** How often the event-loop delay is averaged; pressure is judged on the latest window. */
export const PRESSURE_SAMPLE_MS = 500

/**
 * Load shedding: while the event loop lags more than OVERLOAD_MAX_EVENT_LOOP_DELAY_MS on average,
 * requests are refused at once with 503 and Retry-After instead of queueing behind the late ones.
 * Only the delay counts: heap or utilisation thresholds trip on a process that is busy but fine.
 *
 * Registered after the database, so PGlite's start-up (seconds of WASM on the event loop) happens
 * before it measures anything; what still blocks the loop until the app is ready is forgiven for two
 * windows. Routes with `config.loadShedding: false` (the probes) answer as they always do.
 */
export default fp(
  async (fastify) => {
    const { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: maxDelay, OVERLOAD_RETRY_AFTER_SECONDS: retryAfter } = fastify.config
    if (maxDelay === 0) return
    let armedAt = Infinity
    fastify.addHook('onReady', async () => {
      armedAt = performance.now() + 2 * PRESSURE_SAMPLE_MS
    })
    await fastify.register(underPressure, {
      maxEventLoopDelay: maxDelay,
      sampleInterval: PRESSURE_SAMPLE_MS,
      retryAfter,
      // A rejection goes to the error handler of the request's scope, so each family refuses in its own shape.
      pressureHandler: async (request, reply, _type, value) => {
        // Infinity means a window without a single loop turn: one long block, not a queue of requests.
        if (request.routeOptions.config.loadShedding === false || value === Infinity || performance.now() < armedAt) return
        request.log.warn({ eventLoopDelayMs: Math.round(Number(value)) }, 'shedding load')
        reply.header('retry-after', retryAfter)
        throw unavailable(`The server is overloaded: retry in ${retryAfter} seconds.`, 'overloaded')
      }
    })
  },
  { name: 'load-shedding', dependencies: ['config', 'errors'] }
)
