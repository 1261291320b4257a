import { randomUUID } from 'node:crypto'
import { errors as joseErrors, jwtVerify } from 'jose'
import type { PrismaClient } from '../generated/prisma/client.js'
import type { AuthUser } from './service.js'

/** Three base64url parts, the first a JSON header: what a JWT looks like before it is checked. */
export const looksLikeJwt = (secret: string) => /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(secret)

export type JwtRefusal = { refused: 'unknown' | 'expired'; reason: string }

// Never a valid scrypt hash, so no password ever logs in to an account made for a JWT subject.
const NO_PASSWORD = '!jwt'

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002'

/**
 * Accepts bearer JWTs signed with JWT_SECRET (HS256 only, as Supabase issues them): signature and
 * expiry are checked by jose, and `sub` names the user, created the first time it is seen.
 */
export function createJwtAuthenticator(prisma: PrismaClient, secret: string) {
  const key = new TextEncoder().encode(secret)

  async function userFor(subject: string, claims: Record<string, unknown>): Promise<{ id: string; username: string; email: string }> {
    const known = await prisma.jwtIdentity.findUnique({ where: { subject } })
    if (known) {
      const user = await prisma.user.findUnique({ where: { id: known.userId }, select: { id: true, username: true, email: true } })
      if (user) return user
    }
    const email = typeof claims.email === 'string' && /^[^@\s]+@[^@\s]+$/.test(claims.email) ? claims.email.toLowerCase() : undefined
    const username = `jwt_${subject.replace(/[^\w.-]/g, '_').slice(0, 40)}_${randomUUID().slice(0, 8)}`
    try {
      return await prisma.$transaction(async (tx) => {
        // The claimed e-mail may already belong to a password account: the subject gets its own user regardless.
        const taken = email ? await tx.user.findUnique({ where: { email }, select: { id: true } }) : null
        const user = await tx.user.create({
          data: { username, email: email && !taken ? email : `${randomUUID()}@jwt.invalid`, passwordHash: NO_PASSWORD },
          select: { id: true, username: true, email: true }
        })
        await tx.jwtIdentity.create({ data: { subject, userId: user.id } })
        return user
      })
    } catch (err) {
      // Two first requests of one subject raced: the other one created the user.
      if (!isUniqueViolation(err)) throw err
      const winner = await prisma.jwtIdentity.findUniqueOrThrow({ where: { subject } })
      return prisma.user.findUniqueOrThrow({ where: { id: winner.userId }, select: { id: true, username: true, email: true } })
    }
  }

  return async function authenticate(token: string): Promise<AuthUser | JwtRefusal> {
    let payload
    try {
      ;({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] }))
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return { refused: 'expired', reason: 'The bearer JWT has expired: sign in again.' }
      const why = err instanceof joseErrors.JOSEError ? err.code : 'ERR_INVALID'
      return { refused: 'unknown', reason: `The bearer JWT is not valid (${why}): sign in again.` }
    }
    const user = await userFor(payload.sub!, payload)
    return { ...user, via: 'jwt', credentialId: `jwt:${payload.sub}` }
  }
}
