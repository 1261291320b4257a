import fp from 'fastify-plugin'
import cors from '@fastify/cors'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route sends no CORS headers and skips the check (@fastify/cors reads it). */
    cors?: false
  }
}

/** CORS_ORIGINS is `*` or a comma-separated list of origins. */
export default fp(
  async (fastify) => {
    const setting = fastify.config.CORS_ORIGINS.trim()
    const origin =
      setting === '*'
        ? true
        : setting
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
    await fastify.register(cors, {
      origin,
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition']
    })
  },
  { name: 'cors', dependencies: ['config'] }
)
