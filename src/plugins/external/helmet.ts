import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'

/**
 * helmet's default policy, less `upgrade-insecure-requests`: a browser reaching this plain-HTTP
 * server by any address but localhost would otherwise ask for the docs' scripts over HTTPS and get
 * nothing. TLS, where there is any, is a proxy's business. Routes that need more (ReDoc) extend this.
 */
export const cspDirectives = { upgradeInsecureRequests: null }

export default fp(
  async (fastify) => {
    // Swagger UI ships its own CSP hashes (staticCSP in swagger.ts); keep helmet's defaults elsewhere.
    await fastify.register(helmet, { global: true, contentSecurityPolicy: { directives: cspDirectives } })
  },
  { name: 'helmet' }
)
