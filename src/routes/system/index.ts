import { Type } from 'typebox'
import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { VERSION } from '../../version.js'
import { ErrorRef, security } from '../../schemas/common.js'
import { unauthorized } from '../../errors.js'

const Component = Type.Object({
  ok: Type.Boolean(),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  error: Type.Optional(Type.String())
})

const ReadinessSchema = Type.Object(
  { status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]), components: Type.Record(Type.String(), Component) },
  { $id: 'Readiness' }
)

/**
 * Probes and metrics. None of these routes are rate-limited (an orchestrator polling from one address
 * must never be refused); only /metrics can be protected (METRICS_TOKEN). They sit outside the product
 * families' scope, so form parsing and the families' auth hooks do not run for them.
 */
const systemRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addSchema(ReadinessSchema)
  // Probes answer as they always do while the API families shed load (plugins/external/under-pressure.ts).
  // Orchestrators and scrapers poll these every few seconds: their requests are not logged one by one
  // (anything at warn and above still is). A route option, because Fastify has already filled in an
  // empty logLevel by the time onRoute hooks see the route.
  // Machines poll these, not browsers: no CORS headers (the check alone cost /health a fifth of its time).
  const probe = { logLevel: 'warn', config: { loadShedding: false, cors: false } } as const

  const liveness = { key: '', body: '' }
  fastify.get(
    '/health',
    {
      ...probe,
      schema: {
        tags: ['system'],
        security: security.none,
        operationId: 'health',
        summary: 'Liveness: the process is up and serving',
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            version: Type.String(),
            uptime_seconds: Type.Number(),
            components: Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()))
          }),
          500: ErrorRef
        }
      }
    },
    async (_request, reply) => {
      // Polled many times a second under some orchestrators: the answer is written again only when
      // a second of uptime has passed or the cache's state changed.
      const second = Math.round(process.uptime())
      const cache = fastify.cache.status()
      const key = `${second} ${cache.healthy} ${cache.error}`
      if (key !== liveness.key) {
        liveness.key = key
        liveness.body = JSON.stringify({
          status: 'ok',
          version: VERSION,
          uptime_seconds: second,
          // Liveness must not depend on other services, so this only reports what is configured.
          components: {
            database: { kind: fastify.db.kind },
            cache,
            queue: { kind: fastify.queue.kind },
            auth: { mode: fastify.config.AUTH_MODE }
          }
        })
      }
      return reply.type('application/json; charset=utf-8').send(liveness.body)
    }
  )

  fastify.get(
    '/ready',
    {
      ...probe,
      schema: {
        tags: ['system'],
        security: security.none,
        operationId: 'ready',
        summary: 'Readiness: database, Redis (when configured) and engines are usable',
        response: { 200: Type.Ref('Readiness'), 500: ErrorRef, 503: Type.Ref('Readiness') }
      }
    },
    async (_request, reply) => {
      const { ready, components } = await fastify.health.run()
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', components })
    }
  )

  // Metrics can reveal traffic and engine details, so operators may keep them for their scraper.
  const metricsToken = fastify.config.METRICS_TOKEN ? Buffer.from(`Bearer ${fastify.config.METRICS_TOKEN}`) : null
  const metricsAuth = async (request: { headers: { authorization?: string } }) => {
    if (!metricsToken) return
    const sent = Buffer.from(request.headers.authorization ?? '')
    if (sent.length !== metricsToken.length || !timingSafeEqual(sent, metricsToken)) {
      throw unauthorized('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.', 'metrics_token_required')
    }
  }

  fastify.get(
    '/metrics',
    {
      ...probe,
      preHandler: metricsAuth,
      schema: {
        tags: ['system'],
        security: security.none,
        operationId: 'metrics',
        summary: 'Prometheus metrics in text exposition format',
        description: 'Needs `Authorization: Bearer <METRICS_TOKEN>` when the server sets METRICS_TOKEN.',
        produces: ['text/plain'],
        response: { 200: Type.String(), 401: ErrorRef, 500: ErrorRef }
      }
    },
    async (_request, reply) => {
      const { registry } = fastify.metrics
      return reply.type(registry.contentType).send(await registry.metrics())
    }
  )
}

export default systemRoutes
