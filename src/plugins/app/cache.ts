import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
import type { FastifyBaseLogger } from 'fastify'

export interface CacheStatus {
  kind: 'redis' | 'memory'
  healthy: boolean
  /** true while Redis is configured but unreachable and the memory fallback serves */
  degraded: boolean
  error?: string
}

export interface Cache {
  readonly kind: 'redis' | 'memory'
  /** The raw connection, shared with the rate limiter; null in memory mode. */
  readonly redis: Redis | null
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
  del(key: string): Promise<void>
  status(): CacheStatus
  ping(): Promise<void>
  close(): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    cache: Cache
  }
}

const MEMORY_ENTRIES = 10_000

function memoryStore() {
  return new LRUCache<string, string>({ max: MEMORY_ENTRIES, ttlAutopurge: false })
}

export function createMemoryCache(): Cache {
  const lru = memoryStore()
  return {
    kind: 'memory',
    redis: null,
    async get(key) {
      return lru.get(key) ?? null
    },
    async set(key, value, ttlSeconds) {
      lru.set(key, value, ttlSeconds ? { ttl: ttlSeconds * 1000 } : undefined)
    },
    async del(key) {
      lru.delete(key)
    },
    status: () => ({ kind: 'memory', healthy: true, degraded: false }),
    async ping() {},
    async close() {}
  }
}

/**
 * Redis-backed cache that never turns an outage into a failed request: while Redis is down every
 * call is served from a process-local LRU and one warning is logged per outage.
 */
export function createRedisCache(url: string, prefix: string, log: FastifyBaseLogger): Cache {
  const redis = new Redis(url, {
    // Fail commands at once while disconnected instead of queueing them behind a dead socket.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
    lazyConnect: false
  })
  const fallback = memoryStore()
  const k = (key: string) => `${prefix}:cache:${key}`
  let lastError: string | undefined
  redis.on('error', (err) => {
    if (lastError === undefined) log.warn({ err }, 'Redis unreachable: cache falls back to memory until it returns')
    lastError = err.message
  })
  redis.on('ready', () => {
    if (lastError !== undefined) log.info('Redis reachable again')
    lastError = undefined
  })

  async function guarded<T>(op: () => Promise<T>, degraded: () => T): Promise<T> {
    if (redis.status !== 'ready') return degraded()
    try {
      const result = await op()
      lastError = undefined
      return result
    } catch (err) {
      if (lastError === undefined) log.warn({ err }, 'Redis command failed: served from memory')
      lastError = (err as Error).message
      return degraded()
    }
  }

  return {
    kind: 'redis',
    redis,
    get: (key) =>
      guarded(
        () => redis.get(k(key)),
        () => fallback.get(key) ?? null
      ),
    set: (key, value, ttl) =>
      guarded(
        async () => {
          if (ttl) await redis.set(k(key), value, 'EX', Math.ceil(ttl))
          else await redis.set(k(key), value)
        },
        () => {
          fallback.set(key, value, ttl ? { ttl: ttl * 1000 } : undefined)
        }
      ),
    del: (key) =>
      guarded(
        async () => {
          await redis.del(k(key))
        },
        () => {
          fallback.delete(key)
        }
      ),
    status: () => {
      const healthy = redis.status === 'ready' && lastError === undefined
      return { kind: 'redis', healthy, degraded: !healthy, ...(!healthy && { error: lastError ?? `connection ${redis.status}` }) }
    },
    async ping() {
      await redis.ping()
    },
    async close() {
      redis.disconnect()
    }
  }
}

export default fp(
  async (fastify) => {
    const url = fastify.config.REDIS_URL
    const cache = url ? createRedisCache(url, fastify.config.REDIS_PREFIX, fastify.log) : createMemoryCache()
    fastify.decorate('cache', cache)
    fastify.addHook('onClose', async () => cache.close())
    fastify.log.info({ kind: cache.kind }, 'cache ready')
  },
  { name: 'cache' }
)
