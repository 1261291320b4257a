import fp from 'fastify-plugin'
import { jobDefaults } from '../../jobs/options.js'
import type { JobPayloads } from '../../jobs/types.js'
import { createBullQueue } from '../../queue/bullmq.js'
import { createMemoryQueue } from '../../queue/memory.js'
import type { JobQueue } from '../../queue/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    queue: JobQueue<JobPayloads>
  }
}

/** BullMQ when REDIS_URL is set, the in-process queue otherwise. Workers are started by jobs.ts. */
export default fp(
  async (fastify) => {
    const { REDIS_URL: url, REDIS_PREFIX: prefix } = fastify.config
    const defaults = jobDefaults(fastify.config)
    const queue = url
      ? createBullQueue<JobPayloads>({ url, prefix, log: fastify.log, defaults, leaseMs: fastify.config.JOB_LEASE_MS })
      : createMemoryQueue<JobPayloads>({ defaults })
    fastify.decorate('queue', queue)
    fastify.addHook('onClose', async () => queue.close())
  },
  { name: 'queue', dependencies: ['config'] }
)
