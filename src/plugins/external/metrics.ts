import fp from 'fastify-plugin'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** Every metric the service exposes, on one registry per app instance. */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  // These gauges break Prometheus naming rules (`_total` is for counters) and `promtool check metrics`
  // rejects them; the same numbers stay available per type as nodejs_active_{handles,requests,resources}.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name)
  }
  const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route template',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: latencyBuckets,
      registers: [registry]
    }),
    stageDuration: new Histogram({
      name: 'voxlens_stage_duration_seconds',
      help: 'Time spent in one pipeline stage (decode, vad, band-fill, stt, diarize, emotion, analyze)',
      labelNames: ['stage', 'engine'] as const,
      buckets: latencyBuckets,
      registers: [registry]
    }),
    audioSeconds: new Counter({
      name: 'voxlens_audio_processed_seconds_total',
      help: 'Seconds of audio transcribed',
      labelNames: ['engine'] as const,
      registers: [registry]
    }),
    jobs: new Counter({
      name: 'voxlens_jobs_total',
      help: 'Background jobs by final state',
      labelNames: ['queue', 'state'] as const,
      registers: [registry]
    }),
    llmRequests: new Counter({
      name: 'voxlens_llm_requests_total',
      help: 'LLM analysis requests by provider and outcome',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry]
    }),
    llmTokens: new Counter({
      name: 'voxlens_llm_tokens_total',
      help: 'Tokens chat-model providers counted, by provider and kind (prompt, completion)',
      labelNames: ['provider', 'kind'] as const,
      registers: [registry]
    }),
    authFailures: new Counter({
      name: 'voxlens_auth_failures_total',
      help: 'Rejected credentials by reason',
      labelNames: ['reason'] as const,
      registers: [registry]
    })
  }
}

export type Metrics = ReturnType<typeof createMetrics>

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

export default fp(
  async (fastify) => {
    const metrics = createMetrics()
    fastify.decorate('metrics', metrics)
    // A callback hook, not an async one: no promise per request on every route.
    fastify.addHook('onResponse', (request, reply, done) => {
      // The route template, never the raw URL, keeps label cardinality bounded.
      const route = request.routeOptions.url ?? 'unmatched'
      metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000)
      done()
    })
  },
  { name: 'metrics' }
)
