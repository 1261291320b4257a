import type { FastifyInstance } from 'fastify'
import type { JobHandler } from '../queue/types.js'

/** Tokens stay in the table a week after they die, so "expired" can still be told from "forged". */
const DEAD_TOKEN_RETENTION_MS = 7 * 24 * 3600_000

/** Every background job the service runs, by name. Later stages add theirs here. */
export function jobHandlers(fastify: FastifyInstance): Record<string, JobHandler> {
  return {
    'purge-dead-tokens': async (job) => {
      const removed = await fastify.auth.purgeDeadTokens(new Date(Date.now() - DEAD_TOKEN_RETENTION_MS))
      await job.progress(100)
      return { removed }
    }
  }
}
