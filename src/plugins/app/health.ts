import fp from 'fastify-plugin'
import { databaseProblem } from '../../db/errors.js'

export interface CheckResult {
  ok: boolean
  detail?: Record<string, unknown>
  error?: string
}

export type ReadinessCheck = () => Promise<CheckResult>

export interface Health {
  /** Adds a component to /ready; plugins register their own (database, redis, engines). */
  addCheck(name: string, check: ReadinessCheck): void
  run(): Promise<{ ready: boolean; components: Record<string, CheckResult> }>
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
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS)
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
    fastify.decorate('health', {
      addCheck: (name, check) => void checks.set(name, check),
      async run() {
        const names = [...checks.keys()]
        const results = await Promise.all(names.map((n) => withTimeout(checks.get(n)!)))
        const components = Object.fromEntries(names.map((n, i) => [n, results[i]]))
        return { ready: results.every((r) => r.ok), components }
      }
    } satisfies Health)

    fastify.health.addCheck('database', async () => {
      const detail = { kind: fastify.db.kind }
      try {
        await fastify.db.ping()
      } catch (err) {
        // The driver's message names hosts and databases; /ready is public.
        return { ok: false, detail, error: databaseProblem(err) }
      }
      return { ok: true, detail }
    })
    fastify.health.addCheck('cache', async () => {
      // A configured Redis that is down leaves the node serving from memory, but jobs and shared
      // limits are gone, so the node reports itself not ready.
      const status = fastify.cache.status()
      const detail = { kind: status.kind, degraded: status.degraded }
      if (!status.healthy) return { ok: false, detail, error: status.error }
      try {
        await fastify.cache.ping()
        return { ok: true, detail }
      } catch (err) {
        return { ok: false, detail: { ...detail, degraded: true }, error: (err as Error).message }
      }
    })
    fastify.health.addCheck('queue', async () => ({ ok: true, detail: { kind: fastify.queue.kind } }))
    // HeadBucket for S3, a writable directory for local disk: uploads fail without either.
    fastify.health.addCheck('storage', async () => ({ ok: true, detail: await fastify.storage.check() }))
  },
  { name: 'health', dependencies: ['db', 'cache', 'queue', 'storage'] }
)
