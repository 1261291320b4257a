import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { HttpError } from '../../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Per-IP minute and day limits for routes that process audio. Use as `preHandler`. */
    audioRateLimit: preHandlerAsyncHookHandler[]
    notFoundRateLimit: preHandlerAsyncHookHandler
  }
}

function tooMany(window: string) {
  return (_req: FastifyRequest, ctx: { max: number; after: string }) =>
    new HttpError(429, 'rate_limited', `Rate limit exceeded: at most ${ctx.max} requests per ${window} from one IP address. Retry in ${ctx.after}.`)
}

/**
 * @fastify/rate-limit, registered with global: false so limits apply only where a route asks for them.
 * Counters live in Redis when it is configured, so every instance behind a balancer shares them.
 */
export default fp(
  async (fastify) => {
    const { config, cache } = fastify
    await fastify.register(rateLimit, {
      global: false,
      ...(cache.redis && { redis: cache.redis, nameSpace: `${config.REDIS_PREFIX}:rl:` }),
      // A Redis hiccup must not turn into refused requests.
      skipOnError: true
    })

    fastify.decorate('audioRateLimit', [
      fastify.rateLimit({
        max: config.RATE_LIMIT_PER_MINUTE,
        timeWindow: '1 minute',
        keyGenerator: (req) => `audio:min:${req.ip}`,
        errorResponseBuilder: tooMany('minute')
      }),
      fastify.rateLimit({
        max: config.RATE_LIMIT_PER_DAY,
        timeWindow: '1 day',
        keyGenerator: (req) => `audio:day:${req.ip}`,
        errorResponseBuilder: tooMany('day')
      })
    ])

    // Stops clients from probing for routes at full speed.
    fastify.decorate(
      'notFoundRateLimit',
      fastify.rateLimit({
        max: config.NOT_FOUND_RATE_LIMIT_PER_MINUTE,
        timeWindow: '1 minute',
        keyGenerator: (req) => `404:${req.ip}`,
        errorResponseBuilder: tooMany('minute')
      })
    )
  },
  { name: 'rate-limit', dependencies: ['config', 'cache'] }
)
