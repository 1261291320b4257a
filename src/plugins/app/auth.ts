import fp from 'fastify-plugin'
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { createAuthService, type AuthService, type AuthUser } from '../../auth/service.js'
import { createLoginLockout, type LoginLockout } from '../../auth/lockout.js'
import { createJwtAuthenticator, looksLikeJwt } from '../../auth/jwt.js'
import type { LoginBody } from '../../schemas/auth.js'
import { unauthorized } from '../../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService
    /** Wraps a password check: refuses it while the account is locked, counts it when it fails. */
    loginLockout: LoginLockout
    /** An onRequest hook that applies one API family's auth policy; families add it to their scope. */
    authenticate: (policy: AuthPolicy) => onRequestAsyncHookHandler
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

export interface AuthPolicy {
  /** A request without a token is refused; routes with `config: { public: true }` are exempt. */
  required: boolean
  /** A bearer secret that is not one of ours counts as anonymous instead of being refused. */
  foreignSecretsAreAnonymous?: boolean
  /** Also accept `Authorization: Token <secret>`, the scheme Deepgram's clients send. */
  tokenScheme?: boolean
}

const OUR_SECRET = /^vx[lk]_/

function bearer(request: FastifyRequest, policy: AuthPolicy): string | null | undefined {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = (policy.tokenScheme ? /^(?:Bearer|Token)\s+(\S+)\s*$/i : /^Bearer\s+(\S+)\s*$/i).exec(header)
  return match ? match[1] : null
}

/**
 * Accounts, tokens and API keys. Which routes need a token is decided by each API family, which
 * adds `fastify.authenticate(policy)` to its own scope.
 */
export default fp(
  async (fastify) => {
    const { config } = fastify
    const auth = createAuthService(fastify.db.prisma, { tokenTtlHours: config.TOKEN_TTL_HOURS })
    fastify.decorate('auth', auth)
    // Supabase-style JWTs are accepted beside our own tokens once their signing secret is configured.
    const jwt = config.JWT_SECRET ? createJwtAuthenticator(fastify.db.prisma, config.JWT_SECRET) : null
    fastify.decorateRequest('user', null)
    fastify.decorate(
      'loginLockout',
      createLoginLockout(fastify.createRateLimit, {
        maxFailures: config.AUTH_MAX_FAILURES_PER_ACCOUNT,
        windowMinutes: config.AUTH_WINDOW_MINUTES,
        accountOf: (request) => (request.body as LoginBody).username.trim().toLowerCase()
      })
    )
    if (config.AUTH_MODE === 'optional') {
      fastify.log.warn(
        'AUTH_MODE=optional: anonymous clients share one pool of anonymous records, and any of them can list, ' +
          'read and delete all of it. Set AUTH_MODE=required for a server others can reach.'
      )
    }

    // A credential that is present but forged, expired or revoked is always refused, whatever the policy.
    fastify.decorate('authenticate', (policy: AuthPolicy): onRequestAsyncHookHandler => async (request) => {
      const secret = bearer(request, policy)
      if (secret === null) {
        fastify.metrics.authFailures.inc({ reason: 'malformed' })
        throw unauthorized(`Malformed Authorization header: use "Bearer <token>"${policy.tokenScheme ? ' or "Token <key>"' : ''}.`, 'invalid_token')
      }
      const isJwt = jwt !== null && secret !== undefined && looksLikeJwt(secret)
      if (secret && policy.foreignSecretsAreAnonymous && !OUR_SECRET.test(secret) && !isJwt) return
      if (secret === undefined) {
        if (policy.required && !request.routeOptions.config?.public && request.method !== 'OPTIONS') {
          throw unauthorized('Authentication required: log in with POST /api/auth/login and send Authorization: Bearer <token>.')
        }
        return
      }
      if (isJwt && jwt) {
        const claimed = await jwt(secret)
        if ('refused' in claimed) {
          fastify.metrics.authFailures.inc({ reason: `jwt_${claimed.refused}` })
          throw unauthorized(claimed.reason, claimed.refused === 'expired' ? 'token_expired' : 'token_invalid')
        }
        request.user = claimed
        return
      }
      const result = await auth.authenticate(secret)
      if ('refused' in result) {
        fastify.metrics.authFailures.inc({ reason: result.refused })
        const why = { unknown: 'is not valid', expired: 'has expired', revoked: 'has been revoked' }[result.refused]
        throw unauthorized(
          `The bearer token ${why}: log in again or use another API key.`,
          `token_${result.refused === 'unknown' ? 'invalid' : result.refused}`
        )
      }
      request.user = result
    })

    fastify.decorate('requireUser', async (request: FastifyRequest) => {
      if (!request.user) throw unauthorized()
    })
  },
  { name: 'auth', dependencies: ['db', 'metrics', 'config', 'rate-limit'] }
)
