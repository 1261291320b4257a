import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify'
import { HttpError } from '../../errors.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/**
 * Limits on the coach's costly routes (creating sessions, which lead to analyses, and generating
 * reports): RATE_LIMIT_PER_MINUTE and RATE_LIMIT_PER_DAY per IP and per account, each route counted
 * on its own, with the same 429 and Retry-After as the audio routes.
 */
export function coachRateLimit(fastify: FastifyInstance, scope: string): preHandlerAsyncHookHandler {
  const { config } = fastify
  const windows = [
    { max: config.RATE_LIMIT_PER_MINUTE, timeWindow: MINUTE, per: 'minute' },
    { max: config.RATE_LIMIT_PER_DAY, timeWindow: DAY, per: 'day' }
  ].flatMap((w) => [
    { ...w, who: 'from one IP address', count: fastify.createRateLimit({ ...w, keyGenerator: (r) => `coach:${scope}:${w.per}:ip:${normalizeIP(r.ip)}` }) },
    { ...w, who: 'for one account', count: fastify.createRateLimit({ ...w, keyGenerator: (r) => `coach:${scope}:${w.per}:user:${r.user?.id}` }) }
  ])
  return async (request, reply) => {
    const counted = await Promise.all(windows.map(async (w) => ({ w, state: await w.count(request) })))
    const exceeded = counted
      .flatMap(({ w, state }) => (state.isAllowed || !state.isExceeded ? [] : [{ w, ttl: state.ttl, seconds: state.ttlInSeconds }]))
      .sort((a, b) => b.ttl - a.ttl)[0]
    if (!exceeded) return
    reply.header('retry-after', exceeded.seconds)
    throw new HttpError(
      429,
      'rate_limited',
      `Rate limit exceeded: at most ${exceeded.w.max} requests per ${exceeded.w.per} ${exceeded.w.who}. Retry in ${exceeded.seconds} seconds.`
    )
  }
}
