import { createRequire } from 'node:module'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'

type Result = { current: number; ttl: number }
type Callback = (err: Error | null, result?: Result) => void
type Method = 'incr' | 'read'

interface Store {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void
  read(key: string, cb: Callback, timeWindow: number, max: number): void
}
// The plugin hands stores its merged options; only these two concern counting.
type StoreParams = { continueExceeding?: boolean; exponentialBackoff?: boolean }

// @fastify/rate-limit's own stores (its Lua script for Redis, its LRU for memory); the package has
// no exports map, so they load by path.
const require = createRequire(import.meta.url)
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as new (continueExceeding: boolean, exponentialBackoff: boolean) => Store
const RedisStore = require('@fastify/rate-limit/store/RedisStore') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key: string
) => Store

/**
 * A store for @fastify/rate-limit that counts in Redis, shared by every instance, and falls back to
 * memory while Redis is unreachable: limits keep refusing instead of letting everything through.
 * One warning per outage.
 */
export function resilientStore(redis: Redis | null, nameSpace: string, log: FastifyBaseLogger) {
  let degraded = false

  return class ResilientStore {
    private readonly local: Store
    private readonly remote: Store | null

    constructor(options: object) {
      const params = options as StoreParams
      this.local = new LocalStore(Boolean(params.continueExceeding), Boolean(params.exponentialBackoff))
      // Every limiter builds its own keys, so all of them share one namespace.
      this.remote = redis && new RedisStore(Boolean(params.continueExceeding), Boolean(params.exponentialBackoff), redis, nameSpace)
    }

    incr(key: string, cb: Callback, timeWindow: number, max: number) {
      this.run('incr', key, cb, timeWindow, max)
    }
    read(key: string, cb: Callback, timeWindow: number, max: number) {
      this.run('read', key, cb, timeWindow, max)
    }
    child(options: object) {
      return new ResilientStore(options)
    }

    private run(method: Method, key: string, cb: Callback, timeWindow: number, max: number) {
      const fallBack = (err?: Error) => {
        if (!degraded) log.warn({ err }, 'Redis unreachable: rate limits count in process memory until it returns')
        degraded = true
        this.local[method](key, cb, timeWindow, max)
      }
      if (!this.remote || !redis) return this.local[method](key, cb, timeWindow, max)
      if (redis.status !== 'ready') return fallBack()
      this.remote[method](
        key,
        (err, result) => {
          if (err) return fallBack(err)
          if (degraded) log.info('Redis reachable again: rate limits are shared again')
          degraded = false
          cb(null, result)
        },
        timeWindow,
        max
      )
    }
  }
}
