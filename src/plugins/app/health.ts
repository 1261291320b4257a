import fp from 'fastify-plugin'
import { databaseProblem } from '../../db/errors.js'

export interface CheckResult {
  ok: boolean
  detail?: Record<string, unknown>
  /** Why the component is not usable, for the operator: it goes to the server log, never to /ready. */
  error?: string
  /**
   * What /ready, which is public, says instead: short, and naming no host, path, database or driver
   * message. Without it /ready points to the log.
   */
  publicError?: string
}

/** What /ready shows of a check. */
export interface PublicCheck {
  ok: boolean
  detail?: Record<string, unknown>
  error?: string
}

export type ReadinessCheck = () => Promise<CheckResult>

export interface Health {
  /** Adds a component to /ready; plugins register their own (database, redis, engines). */
  addCheck(name: string, check: ReadinessCheck): void
  /** Every check, as /ready may show them; reasons that are not public are logged instead. */
  run(): Promise<{ ready: boolean; components: Record<string, PublicCheck> }>
}

declare module 'fastify' {
  interface FastifyInstance {
    health: Health
  }
}

const CHECK_TIMEOUT_MS = 3_000

async function withTimeout(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      const error = `no answer within ${CHECK_TIMEOUT_MS} ms`
      resolve({ ok: false, error, publicError: error })
    }, CHECK_TIMEOUT_MS)
  })
  try {
    return await Promise.race([check().catch((err: Error) => ({ ok: false, error: err.message })), timeout])
  } finally {
    clearTimeout(timer)
  }
}

export default fp(
  async (fastify) => {
    const checks = new Map<string, ReadinessCheck>()
    // Probes poll every few seconds: a reason is logged when it first appears or changes, not on every poll.
    const logged = new Map<string, string>()
    const publish = (name: string, r: CheckResult): PublicCheck => {
      if (r.ok || r.error === undefined) {
        logged.delete(name)
        return { ok: r.ok, ...(r.detail && { detail: r.detail }) }
      }
      if (logged.get(name) !== r.error) {
        logged.set(name, r.error)
        fastify.log.warn({ component: name, reason: r.error }, 'readiness check failed')
      }
      return { ok: false, ...(r.detail && { detail: r.detail }), error: r.publicError ?? `${name} is not usable: the reason is in the server log` }
    }
    fastify.decorate('health', {
      addCheck: (name, check) => void checks.set(name, check),
      async run() {
        const names = [...checks.keys()]
        const results = await Promise.all(names.map((n) => withTimeout(checks.get(n)!)))
        const components = Object.fromEntries(names.map((n, i) => [n, publish(n, results[i]!)]))
        return { ready: results.every((r) => r.ok), components }
      }
    } satisfies Health)

    fastify.health.addCheck('database', async () => {
      const detail = { kind: fastify.db.kind }
      try {
        await fastify.db.ping()
      } catch (err) {
        // The driver's message names hosts and databases: the log gets it, /ready a safe summary.
        return { ok: false, detail, error: (err as Error).message, publicError: databaseProblem(err) }
      }
      return { ok: true, detail }
    })
    fastify.health.addCheck('cache', async () => {
      // A configured Redis that is down leaves the node serving from memory, but jobs and shared
      // limits are gone, so the node reports itself not ready.
      const status = fastify.cache.status()
      const detail = { kind: status.kind, degraded: status.degraded }
      if (!status.healthy) return { ok: false, detail, error: status.error, publicError: 'Redis unreachable' }
      try {
        await fastify.cache.ping()
        return { ok: true, detail }
      } catch (err) {
        return { ok: false, detail: { ...detail, degraded: true }, error: (err as Error).message, publicError: 'Redis unreachable' }
      }
    })
    fastify.health.addCheck('queue', async () => ({ ok: true, detail: { kind: fastify.queue.kind } }))
    // HeadBucket for S3, a writable directory for local disk: uploads fail without either.
    fastify.health.addCheck('storage', async () => ({ ok: true, detail: await fastify.storage.check() }))
  },
  { name: 'health', dependencies: ['db', 'cache', 'queue', 'storage'] }
)
