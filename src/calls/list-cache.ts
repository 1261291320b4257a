import { createHash, randomUUID } from 'node:crypto'
import { LRUCache } from 'lru-cache'

/** Where list versions live: Redis when configured, so every API process sees every bump. */
export interface VersionStore {
  get(key: string): Promise<string | null>
  set(key: string, value: string): Promise<void>
  /** false while the store is degraded (Redis down, a process-local fallback serving) */
  healthy(): boolean
}

export interface RenderedPage {
  body: Buffer
  etag: string
}

export interface CallListCache {
  /**
   * The rendered page for this owner and query: from this process's memory while the owner's list
   * version is unchanged, otherwise rendered (once, however many requests wait for it) and kept.
   */
  page(ownerId: string | null, query: Record<string, unknown>, render: () => Promise<string>): Promise<RenderedPage>
  /** Called after a write to call records has been made: these owners' cached pages are stale. */
  bump(ownerIds: Iterable<string | null>): Promise<void>
}

export interface CallListCacheOptions {
  /** 0 turns caching off; otherwise the longest a page is kept (bounds staleness should a bump be lost). */
  ttlSeconds: number
  /** Memory the pages of this process may take. */
  maxBytes?: number
}

const versionKey = (ownerId: string | null) => `calls:list-version:${ownerId ?? 'anonymous'}`
const etagOf = (body: Buffer) => `"${createHash('sha1').update(body).digest('base64url')}"`

/**
 * List pages cached per owner and query, validated by a per-owner version token. A write replaces the
 * owner's token after the database has the change, and a reader reads the token before it queries: a
 * page rendered from data older than a write can only be kept under a token that write has replaced.
 * Pages stay in each process's memory (a page is tens of KB; fetching it from Redis would cost
 * about what rendering it does); only the small tokens are shared.
 */
export function createCallListCache(store: VersionStore, opts: CallListCacheOptions): CallListCache {
  const maxBytes = opts.maxBytes ?? 32 * 1024 * 1024
  const pages = new LRUCache<string, RenderedPage>({
    maxSize: maxBytes,
    // A page larger than an eighth of the budget (a long view=full page) is rendered each time.
    maxEntrySize: Math.floor(maxBytes / 8),
    sizeCalculation: (p) => p.body.length + 64,
    ttl: Math.max(1, opts.ttlSeconds) * 1000
  })
  const rendering = new Map<string, Promise<RenderedPage>>()
  let wasDegraded = false

  const render = async (fn: () => Promise<string>): Promise<RenderedPage> => {
    const body = Buffer.from(await fn())
    return { body, etag: etagOf(body) }
  }

  async function version(ownerId: string | null): Promise<string> {
    const key = versionKey(ownerId)
    const known = await store.get(key)
    if (known !== null) return known
    // First list since the token was evicted or Redis was emptied: any new token is as good as a bump.
    const fresh = randomUUID()
    await store.set(key, fresh)
    return fresh
  }

  return {
    async page(ownerId, query, fn) {
      if (opts.ttlSeconds === 0) return render(fn)
      if (!store.healthy()) {
        // Bumps made while Redis is down reach no other process: serve uncached, and forget what was
        // kept before the outage once it is over.
        wasDegraded = true
        return render(fn)
      }
      if (wasDegraded) {
        pages.clear()
        wasDegraded = false
      }
      const key = `${ownerId ?? ''}\n${await version(ownerId)}\n${normalise(query)}`
      const kept = pages.get(key)
      if (kept) return kept
      let pending = rendering.get(key)
      if (!pending) {
        pending = render(fn)
          .then((page) => {
            pages.set(key, page)
            return page
          })
          .finally(() => rendering.delete(key))
        rendering.set(key, pending)
      }
      return pending
    },
    async bump(ownerIds) {
      if (opts.ttlSeconds === 0) return
      await Promise.all([...new Set(ownerIds)].map((ownerId) => store.set(versionKey(ownerId), randomUUID())))
    }
  }
}

/** The same page asked for with its parameters in another order, or defaults spelt out, is one entry. */
function normalise(query: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(query)
      .filter((k) => query[k] !== undefined)
      .sort()
      .map((k) => [k, query[k]])
  )
}
