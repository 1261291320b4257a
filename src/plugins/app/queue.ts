import fp from 'fastify-plugin'
import { createBullQueue } from '../../queue/bullmq.js'
import { createMemoryQueue } from '../../queue/memory.js'
import type { JobQueue } from '../../queue/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    queue: JobQueue
  }
}

/** BullMQ when REDIS_URL is set, the in-process queue otherwise. Workers are started by jobs.ts. */
export default fp(
  async (fastify) => {
    const url = fastify.config.REDIS_URL
    const queue = url ? createBullQueue(url, fastify.config.REDIS_PREFIX, fastify.log) : createMemoryQueue()
    fastify.decorate('queue', queue)
    fastify.addHook('onClose', async () => queue.close())
  },
  { name: 'queue', dependencies: ['config'] }
)
