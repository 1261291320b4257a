import fp from 'fastify-plugin'
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { HttpError } from '../../errors.js'
import { resilientStore } from './rate-limit-store.js'
import { uploadGuard } from '../../routes/upload-guard.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * For routes that take audio uploads: uploads in flight and body rate per IP (upload-guard.ts),
     * then minute and day limits per IP and per signed-in account.
     */
    audioRateLimit: preHandlerAsyncHookHandler
    /** Per-IP limit on register and login, which cost a deliberately slow password hash. */
    authRateLimit: preHandlerAsyncHookHandler
    notFoundRateLimit: preHandlerAsyncHookHandler
  }
}

interface Limit {
  max: number
  timeWindow: number
  /** How the refusal names the window: "minute", "15 minutes". */
  per: string
  /** Whose requests are counted together, for the refusal: "from one IP address". */
  who: string
  /** The counter's key, or null when this limit does not apply to the request. */
  key: (request: FastifyRequest) => string | null
}

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const byIp = (scope: string) => (request: FastifyRequest) => `${scope}:ip:${normalizeIP(request.ip)}`

function wait(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} minutes`
  return `${Math.ceil(seconds / 3600)} hours`
}

/**
 * One preHandler that counts a request against every limit that applies and refuses it when any is
 * exceeded. @fastify/rate-limit's own handlers mark a request as limited after the first one runs,
 * so chained handlers never reach a second window; `createRateLimit` counts without that mark.
 */
function limitAll(fastify: FastifyInstance, limits: Limit[]): preHandlerAsyncHookHandler {
  const checks = limits.map((limit) => ({
    limit,
    count: fastify.createRateLimit({ max: limit.max, timeWindow: limit.timeWindow, keyGenerator: (req) => limit.key(req)! })
  }))
  return async (request, reply) => {
    const counted = await Promise.all(checks.filter((c) => c.limit.key(request) !== null).map(async (c) => ({ limit: c.limit, state: await c.count(request) })))
    const states = counted.flatMap(({ limit, state }) => (state.isAllowed ? [] : [{ limit, ...state }]))
    const exceeded = states.filter((s) => s.isExceeded).sort((a, b) => b.ttl - a.ttl)[0]
    const shown = exceeded ?? states.sort((a, b) => a.remaining - b.remaining)[0]
    if (!shown) return
    reply.header('x-ratelimit-limit', shown.max)
    reply.header('x-ratelimit-remaining', shown.remaining)
    reply.header('x-ratelimit-reset', shown.ttlInSeconds)
    if (!exceeded) return
    reply.header('retry-after', exceeded.ttlInSeconds)
    const { max, per, who } = exceeded.limit
    throw new HttpError(429, 'rate_limited', `Rate limit exceeded: at most ${max} requests per ${per} ${who}. Retry in ${wait(exceeded.ttlInSeconds)}.`)
  }
}

/**
 * @fastify/rate-limit, registered with global: false so limits apply only where a route asks for them.
 * Counters live in Redis when it is configured, so every instance behind a balancer shares them, and
 * in memory while Redis is down: a limit never lets everything through.
 */
export default fp(
  async (fastify) => {
    const { config, cache } = fastify
    await fastify.register(rateLimit, {
      global: false,
      store: resilientStore(cache.redis, `${config.REDIS_PREFIX}:rl:`, fastify.log)
    })

    const account = (scope: string) => (request: FastifyRequest) => (request.user ? `${scope}:user:${request.user.id}` : null)
    const audioWindows = [
      { max: config.RATE_LIMIT_PER_MINUTE, timeWindow: MINUTE, per: 'minute' },
      { max: config.RATE_LIMIT_PER_DAY, timeWindow: DAY, per: 'day' }
    ]
    const audioWindowLimit = limitAll(
      fastify,
      audioWindows.flatMap((w) => [
        { ...w, who: 'from one IP address', key: byIp(`audio:${w.per}`) },
        // A signed-in account's allowance follows it from one address to the next.
        { ...w, who: 'for one account', key: account(`audio:${w.per}`) }
      ])
    )
    const guard = uploadGuard({
      maxPerIp: config.MAX_CONCURRENT_UPLOADS_PER_IP,
      idleSeconds: config.UPLOAD_IDLE_TIMEOUT_SECONDS,
      minBytesPerSecond: config.UPLOAD_MIN_BYTES_PER_SECOND
    })
    fastify.decorate('audioRateLimit', async function (request, reply) {
      await guard.call(this, request, reply)
      await audioWindowLimit.call(this, request, reply)
    } satisfies preHandlerAsyncHookHandler)

    const authWindow = config.AUTH_WINDOW_MINUTES
    fastify.decorate(
      'authRateLimit',
      limitAll(fastify, [
        {
          max: config.AUTH_MAX_ATTEMPTS_PER_IP,
          timeWindow: authWindow * MINUTE,
          per: `${authWindow} minutes`,
          who: 'to register or log in from one IP address',
          key: byIp('auth')
        }
      ])
    )

    // Stops clients from probing for routes at full speed.
    fastify.decorate(
      'notFoundRateLimit',
      limitAll(fastify, [
        {
          max: config.NOT_FOUND_RATE_LIMIT_PER_MINUTE,
          timeWindow: MINUTE,
          per: 'minute',
          who: 'to unknown routes from one IP address',
          key: byIp('404')
        }
      ])
    )
  },
  { name: 'rate-limit', dependencies: ['config', 'cache'] }
)
