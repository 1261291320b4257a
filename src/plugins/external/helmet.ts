import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'

export default fp(
  async (fastify) => {
    // Swagger UI ships its own CSP hashes (staticCSP in swagger.ts); keep helmet's defaults elsewhere.
    await fastify.register(helmet, { global: true })
  },
  { name: 'helmet' }
)
