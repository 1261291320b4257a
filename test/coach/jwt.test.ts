import { SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'

const SECRET = 'a-supabase-style-jwt-secret-of-at-least-32-chars'
const key = new TextEncoder().encode(SECRET)

function jwt(claims: Record<string, unknown>, opts: { sub?: string; expiresIn?: string | number; secret?: Uint8Array; alg?: string } = {}) {
  const token = new SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt()
  if (opts.sub !== undefined) token.setSubject(opts.sub)
  token.setExpirationTime(opts.expiresIn ?? '1h')
  return token.sign(opts.secret ?? key)
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('bearer JWTs signed with JWT_SECRET', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ env: { JWT_SECRET: SECRET } })
  }, 120_000)
  afterAll(async () => t?.close())

  it('maps `sub` to a user created on first sight and found again after', async () => {
    const token = await jwt({ email: 'learner@example.com', role: 'authenticated' }, { sub: 'b7c1e0d2-supabase-user' })
    const first = await t.app.inject({ url: '/api/v1/users/me', headers: bearer(token) })
    expect(first.statusCode).toBe(200)
    const me = first.json().data
    expect(me).toMatchObject({ email: 'learner@example.com', sessions_count: 0 })

    const created = await t.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: bearer(token), payload: { part: 1 } })
    expect(created.statusCode).toBe(201)
    const again = await t.app.inject({ url: '/api/v1/sessions', headers: bearer(await jwt({}, { sub: 'b7c1e0d2-supabase-user' })) })
    expect(again.json()).toMatchObject({ total: 1 })
    expect(await t.app.db.prisma.jwtIdentity.count({ where: { subject: 'b7c1e0d2-supabase-user' } })).toBe(1)
  })

  it('gives a subject its own user when its e-mail belongs to a password account', async () => {
    const owner = await signUp(t.app)
    const token = await jwt({ email: owner.email }, { sub: 'someone-else' })
    const me = (await t.app.inject({ url: '/api/v1/users/me', headers: bearer(token) })).json().data
    expect(me.id).not.toBe(owner.userId)
    expect(me.email).not.toBe(owner.email)
  })

  it('refuses expired, forged, unsigned and subject-less tokens', async () => {
    const expired = await jwt({}, { sub: 'u1', expiresIn: Math.floor(Date.now() / 1000) - 60 })
    const res = await t.app.inject({ url: '/api/v1/users/me', headers: bearer(expired) })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toMatchObject({ success: false, code: 'token_expired' })

    const forged = await jwt({}, { sub: 'u1', secret: new TextEncoder().encode('another-secret-another-secret-another') })
    const unsigned = new UnsecuredJWT({ sub: 'u1' }).setExpirationTime('1h').encode()
    const noSub = await jwt({})
    for (const token of [forged, unsigned, noSub]) {
      const r = await t.app.inject({ url: '/api/v1/users/me', headers: bearer(token) })
      expect(r.statusCode).toBe(401)
      expect(r.json()).toMatchObject({ code: 'token_invalid' })
    }
    expect(await t.app.db.prisma.jwtIdentity.count({ where: { subject: 'u1' } })).toBe(0)
  })

  it('is accepted by the other families too, and voxlens tokens keep working', async () => {
    const token = await jwt({}, { sub: 'calls-user' })
    expect((await t.app.inject({ url: '/api/calls', headers: bearer(token) })).statusCode).toBe(200)
    const user = await signUp(t.app)
    expect((await t.app.inject({ url: '/api/v1/users/me', headers: user.headers })).json().data.id).toBe(user.userId)
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) })
    expect(logout.json()).toMatchObject({ code: 'jwt_logout' })
  })
})

describe('without JWT_SECRET', () => {
  it('refuses a JWT like any unknown token', async () => {
    const t = await buildTestApp()
    try {
      const res = await t.app.inject({ url: '/api/v1/users/me', headers: bearer(await jwt({}, { sub: 'x' })) })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toMatchObject({ code: 'token_invalid' })
    } finally {
      await t.close()
    }
  }, 120_000)
})
