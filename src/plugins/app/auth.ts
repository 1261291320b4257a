import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { createAuthService, type AuthService, type AuthUser } from '../../auth/service.js'
import { unauthorized } from '../../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService
    /** preHandler for routes that always need a signed-in user, whatever AUTH_MODE says. */
    requireUser: (request: FastifyRequest) => Promise<void>
  }
  interface FastifyRequest {
    /** The authenticated caller, or null for an anonymous request. */
    user: AuthUser | null
  }
  interface FastifyContextConfig {
    /** Reachable without a token even when AUTH_MODE=required (register, login). */
    public?: boolean
  }
}

const PROTECTED = /^\/(api|v1)(\/|$)/
const OPENAI_ROUTE = /^\/v1(\/|$)/
const OUR_SECRET = /^vx[lk]_/

function bearer(request: FastifyRequest): string | null | undefined {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match ? match[1] : null
}

/**
 * Resolves `Authorization: Bearer` on every request. A credential that is present but forged,
 * expired or revoked is always a 401; a missing one is a 401 only under AUTH_MODE=required.
 */
export default fp(
  async (fastify) => {
    const auth = createAuthService(fastify.db.prisma, { tokenTtlHours: fastify.config.TOKEN_TTL_HOURS })
    fastify.decorate('auth', auth)
    fastify.decorateRequest('user', null)

    fastify.addHook('onRequest', async (request) => {
      const secret = bearer(request)
      if (secret === null) {
        fastify.metrics.authFailures.inc({ reason: 'malformed' })
        throw unauthorized('Malformed Authorization header: use "Bearer <token>".', 'invalid_token')
      }
      // OpenAI SDKs refuse to run without an API key, so their users send placeholders such as
      // "sk-local". Without AUTH_MODE=required a secret that is not one of ours is anonymous there.
      if (secret && OPENAI_ROUTE.test(request.url) && !OUR_SECRET.test(secret) && fastify.config.AUTH_MODE === 'optional') return
      if (secret === undefined) {
        const required = fastify.config.AUTH_MODE === 'required' && PROTECTED.test(request.url) && !request.routeOptions.config?.public
        if (required && request.method !== 'OPTIONS') {
          throw unauthorized('Authentication required: log in with POST /api/auth/login and send Authorization: Bearer <token>.')
        }
        return
      }
      const result = await auth.authenticate(secret)
      if ('refused' in result) {
        fastify.metrics.authFailures.inc({ reason: result.refused })
        const why = { unknown: 'is not valid', expired: 'has expired', revoked: 'has been revoked' }[result.refused]
        throw unauthorized(`The bearer token ${why}: log in again or use another API key.`, `token_${result.refused === 'unknown' ? 'invalid' : result.refused}`)
      }
      request.user = result
    })

    fastify.decorate('requireUser', async (request: FastifyRequest) => {
      if (!request.user) throw unauthorized()
    })
  },
  { name: 'auth', dependencies: ['db', 'metrics', 'config'] }
)
