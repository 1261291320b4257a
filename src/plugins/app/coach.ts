import fp from 'fastify-plugin'
import { Gauge, Histogram } from 'prom-client'
import { createCoach, type Coach } from '../../coach/index.js'
import { closeWorkerPool, createWorkerPool, runTask } from '../../workers/pool.js'

declare module 'fastify' {
  interface FastifyInstance {
    coach: Coach
  }
}

/**
 * The speaking coach's domain, wired to the database, blob storage, the queue and the chat model.
 * Its CPU work runs on worker threads set up on first use: one for analyses (grammar checking, pronunciation
 * scoring), one for PDF reports.
 */
export default fp(
  async (fastify) => {
    const { config, metrics, queue } = fastify
    const phase = new Histogram({
      name: 'voxlens_coach_analysis_phase_seconds',
      help: 'Speaking-coach analysis time by phase (summary, queue_wait, deep, llm, report)',
      labelNames: ['phase'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [metrics.registry]
    })
    const entry = new URL('../../coach/worker.js', import.meta.url)
    const pool = createWorkerPool({ entry, threads: 1, logger: fastify.log })
    // Reports have a thread of their own: a PDF (about a second of work) never queues behind deep analyses,
    // each tens of seconds of grammar checking and pronunciation scoring on the analysis thread.
    const reportPool = createWorkerPool({ entry, threads: 1, logger: fastify.log })
    const coach = createCoach({
      prisma: fastify.db.prisma,
      storage: fastify.storage,
      log: fastify.log,
      chat: fastify.chat,
      runTask: (task) => (task.kind === 'report' ? runTask(reportPool, 'coach report', task) : runTask(pool, 'coach analysis', task)),
      enqueue: {
        // A report is generated once per id; a session's analysis may be queued again after a failure, so its job id carries the time.
        analysis: async (sessionId) => void (await queue.add('coach-analysis', { sessionId }, { jobId: `coach-analysis-${sessionId}-${Date.now()}` })),
        report: async (reportId) => void (await queue.add('coach-report', { reportId }, { jobId: `coach-report-${reportId}` }))
      },
      reportTtlSeconds: config.S3_PRESIGNED_EXPIRY_SECONDS,
      modelDir: config.SPHINX_MODEL_DIR,
      observe: (name, seconds) => phase.observe({ phase: name }, seconds)
    })
    const db = fastify.db.prisma
    new Gauge({
      name: 'voxlens_coach_active_sessions',
      help: 'Speaking-coach sessions started and not yet ended',
      registers: [metrics.registry],
      async collect() {
        this.set(await db.coachSession.count({ where: { status: 'active' } }).catch(() => 0))
      }
    })
    fastify.decorate('coach', coach)
    fastify.addHook('onClose', async () => void (await Promise.all([closeWorkerPool(pool), closeWorkerPool(reportPool)])))
  },
  { name: 'coach', dependencies: ['config', 'db', 'storage', 'queue', 'metrics', 'chat'] }
)
