import type { PrismaClient } from '../generated/prisma/client.js'
import { badRequest, conflict, notFound, unauthorized } from '../errors.js'
import { COMMON_PASSWORDS } from './common-passwords.js'
import { hashPassword, hashSecret, newSecret, verifyPassword } from './secrets.js'

export interface AuthUser {
  id: string
  username: string
  email: string
  via: 'token' | 'api_key' | 'jwt'
  /** id of the session token or API key that authenticated the request (`jwt:<sub>` for a JWT) */
  credentialId: string
}

// One answer for a taken username and a taken email, so registration does not tell which accounts exist.
const taken = () => conflict('This username or email cannot be used: choose another, or log in if the account is yours.', 'already_exists')

/** Refuses passwords that are guessed first: the most common ones and the account's own names. */
function checkPassword(password: string, username: string, email: string) {
  const p = password.trim().toLowerCase()
  if (COMMON_PASSWORDS.has(p) || p === username.toLowerCase() || p === email || p === email.split('@')[0]) {
    throw badRequest('This password is among the first ones attackers try: choose another (a few unrelated words make a strong one).', 'weak_password')
  }
}

const isUniqueViolation = (err: unknown): err is { code: string; meta?: { target?: unknown } } =>
  typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002'

export function createAuthService(prisma: PrismaClient, opts: { tokenTtlHours: number }) {
  return {
    async register(input: { username: string; password: string; email: string }) {
      const username = input.username.trim()
      const email = input.email.trim().toLowerCase()
      checkPassword(input.password, username, email)
      const existing = await prisma.user.findFirst({
        where: { OR: [{ username: { equals: username, mode: 'insensitive' } }, { email }] },
        select: { id: true }
      })
      if (existing) throw taken()
      try {
        return await prisma.user.create({
          data: { username, email, passwordHash: await hashPassword(input.password) },
          select: { id: true, username: true, email: true }
        })
      } catch (err) {
        // Two registrations racing for the same name: the unique index decides.
        if (isUniqueViolation(err)) throw taken()
        throw err
      }
    },

    async login(input: { username: string; password: string }) {
      const user = await prisma.user.findFirst({ where: { username: { equals: input.username.trim(), mode: 'insensitive' } } })
      // Verify even for unknown users so timing does not reveal which usernames exist.
      const ok = await verifyPassword(
        input.password,
        user?.passwordHash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
      )
      if (!user || !ok) throw unauthorized('Invalid username or password.', 'invalid_credentials')
      const token = newSecret('vxl')
      const expiresAt = new Date(Date.now() + opts.tokenTtlHours * 3600_000)
      await prisma.authToken.create({ data: { userId: user.id, tokenHash: hashSecret(token), expiresAt } })
      return { token, expiresAt, user: { id: user.id, username: user.username, email: user.email } }
    },

    async logout(user: AuthUser) {
      // A 200 would tell the caller the key stopped working when it did not.
      if (user.via === 'api_key') {
        throw badRequest(`An API key is not a session and cannot log out: revoke it with DELETE /api/auth/keys/${user.credentialId}.`, 'api_key_logout')
      }
      if (user.via === 'jwt') {
        throw badRequest('A JWT is not a voxlens session and cannot log out here: its issuer ends it (or let it expire).', 'jwt_logout')
      }
      await prisma.authToken.update({ where: { id: user.credentialId }, data: { revokedAt: new Date() } })
    },

    /** Resolves a bearer secret to its user, or explains why it is refused. */
    async authenticate(secret: string): Promise<AuthUser | { refused: 'unknown' | 'expired' | 'revoked' }> {
      const hash = hashSecret(secret)
      const now = new Date()
      if (secret.startsWith('vxk_')) {
        const key = await prisma.apiKey.findUnique({ where: { keyHash: hash }, include: { user: true } })
        if (!key) return { refused: 'unknown' }
        if (key.revokedAt) return { refused: 'revoked' }
        if (key.expiresAt && key.expiresAt <= now) return { refused: 'expired' }
        // Last-used is informative only; do not make the request wait for it.
        void prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } }).catch(() => {})
        return { id: key.user.id, username: key.user.username, email: key.user.email, via: 'api_key', credentialId: key.id }
      }
      const token = await prisma.authToken.findUnique({ where: { tokenHash: hash }, include: { user: true } })
      if (!token) return { refused: 'unknown' }
      if (token.revokedAt) return { refused: 'revoked' }
      if (token.expiresAt <= now) return { refused: 'expired' }
      return { id: token.user.id, username: token.user.username, email: token.user.email, via: 'token', credentialId: token.id }
    },

    async createApiKey(userId: string, input: { name: string; expiresInDays?: number }) {
      const key = newSecret('vxk')
      const record = await prisma.apiKey.create({
        data: {
          userId,
          name: input.name.trim(),
          prefix: key.slice(0, 12),
          keyHash: hashSecret(key),
          expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86400_000) : null
        }
      })
      return { key, record }
    },

    listApiKeys(userId: string) {
      return prisma.apiKey.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } })
    },

    async revokeApiKey(userId: string, id: string) {
      const { count } = await prisma.apiKey.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } })
      if (count === 0) {
        const exists = await prisma.apiKey.findFirst({ where: { id, userId }, select: { id: true } })
        if (!exists) throw notFound('No API key with this id belongs to you.', 'api_key_not_found')
      }
    },

    /** Deletes session tokens that can no longer be used; run by the maintenance job. */
    async purgeDeadTokens(olderThan: Date) {
      const { count } = await prisma.authToken.deleteMany({
        where: { OR: [{ expiresAt: { lt: olderThan } }, { revokedAt: { lt: olderThan } }] }
      })
      return count
    }
  }
}

export type AuthService = ReturnType<typeof createAuthService>
