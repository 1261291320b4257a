import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'

describe('auth contract (/api/auth)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(async () => t.close())

  it('registers a user with 201 and the contract shape', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'maria', password: 'long enough pw', email: 'Maria@Example.com' }
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toEqual({ success: true, data: { user_id: expect.any(String), username: 'maria', email: 'maria@example.com' } })
  })

  it('rejects a duplicate username or email with 409, without saying which one exists', async () => {
    const sameName = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'MARIA', password: 'long enough pw', email: 'other@example.com' }
    })
    const sameEmail = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'maria2', password: 'long enough pw', email: 'maria@example.com' }
    })
    expect(sameName.statusCode).toBe(409)
    expect(sameEmail.statusCode).toBe(409)
    expect(sameName.json()).toMatchObject({ success: false, code: 'already_exists', error: expect.stringMatching(/username or email/) })
    expect(sameEmail.body).toBe(sameName.body)
  })

  it.each(['password123', 'Qwerty123', 'iloveyou1', '12345678', 'opal-river'])('refuses a common or guessable password with 400 (%s)', async (password) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username: 'opal-river', password, email: 'opal@example.com' } })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ success: false, code: 'weak_password', error: expect.stringMatching(/choose another/) })
  })

  it.each([
    [{ username: 'bob', email: 'bob@example.com' }, /password/],
    [{ username: 'bob', password: 'short', email: 'bob@example.com' }, /password/],
    [{ username: 'bob', password: 'long enough pw', email: 'not-an-email' }, /email/],
    [{ username: 'b', password: 'long enough pw', email: 'bob@example.com' }, /username/],
    [{ username: 'bob smith', password: 'long enough pw', email: 'bob@example.com' }, /username/]
  ])('rejects weak or missing fields with 400 (%j)', async (payload, field) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ success: false, error: expect.stringMatching(field) })
  })

  it('logs in, authenticates, logs out, and the token dies at once', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'maria', password: 'long enough pw' } })
    expect(login.statusCode).toBe(200)
    const data = login.json().data
    expect(data).toEqual({
      token: expect.stringMatching(/^vxl_/),
      user_id: expect.any(String),
      username: 'maria',
      email: 'maria@example.com',
      expires_at: expect.any(String)
    })
    expect(new Date(data.expires_at).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000)
    const headers = { authorization: `Bearer ${data.token}` }

    const calls = await t.app.inject({ url: '/api/calls', headers })
    expect(calls.statusCode).toBe(200)
    expect(calls.json()).toEqual({ success: true, data: [], total: 0 })
    expect((await t.app.inject({ url: '/api/auth/me', headers })).json().data.username).toBe('maria')

    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers })
    expect(logout.statusCode).toBe(200)
    expect(logout.json()).toEqual({ success: true })

    const after = await t.app.inject({ url: '/api/calls', headers })
    expect(after.statusCode).toBe(401)
    expect(after.json()).toMatchObject({ success: false, error: expect.stringMatching(/revoked/) })
  })

  it('rejects wrong credentials with 401', async () => {
    for (const payload of [
      { username: 'maria', password: 'wrong password' },
      { username: 'nobody', password: 'whatever1' }
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toEqual({ success: false, error: 'Invalid username or password.', code: 'invalid_credentials' })
    }
  })

  it('rejects forged, malformed and expired tokens with 401', async () => {
    const forged = await t.app.inject({ url: '/api/calls', headers: { authorization: 'Bearer vxl_forgedforgedforgedforged' } })
    expect(forged.statusCode).toBe(401)
    const malformed = await t.app.inject({ url: '/api/calls', headers: { authorization: 'Token abc' } })
    expect(malformed.statusCode).toBe(401)
    expect(malformed.json().error).toMatch(/Bearer/)

    const user = await signUp(t.app)
    await t.app.db.prisma.authToken.updateMany({ where: { userId: user.userId }, data: { expiresAt: new Date(Date.now() - 1000) } })
    const expired = await t.app.inject({ url: '/api/calls', headers: user.headers })
    expect(expired.statusCode).toBe(401)
    expect(expired.json().error).toMatch(/expired/)
  })

  it('creates, lists and revokes API keys usable as bearer tokens', async () => {
    const user = await signUp(t.app)
    const created = await t.app.inject({ method: 'POST', url: '/api/auth/keys', headers: user.headers, payload: { name: 'ci uploader', expires_in_days: 30 } })
    expect(created.statusCode).toBe(201)
    const { key, id, prefix } = created.json().data
    expect(key).toMatch(/^vxk_/)
    expect(key.startsWith(prefix)).toBe(true)

    const keyHeaders = { authorization: `Bearer ${key}` }
    expect((await t.app.inject({ url: '/api/auth/me', headers: keyHeaders })).json().data.user_id).toBe(user.userId)

    const list = await t.app.inject({ url: '/api/auth/keys', headers: user.headers })
    expect(list.json().data).toEqual([expect.objectContaining({ id, name: 'ci uploader', prefix, revoked_at: null })])
    expect(list.body).not.toContain(key)
    // The secret is never stored, only its hash.
    const row = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id } })
    expect(JSON.stringify(row)).not.toContain(key)

    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/auth/keys/${id}`, headers: user.headers })
    expect(revoke.statusCode).toBe(200)
    const denied = await t.app.inject({ url: '/api/auth/me', headers: keyHeaders })
    expect(denied.statusCode).toBe(401)
    expect(denied.json().error).toMatch(/revoked/)

    const other = await signUp(t.app)
    const foreign = await t.app.inject({ method: 'DELETE', url: `/api/auth/keys/${id}`, headers: other.headers })
    expect(foreign.statusCode).toBe(404)
  })

  it('refuses to log out an API key, which keeps working, and points to revoking it', async () => {
    const user = await signUp(t.app)
    const { key, id } = (await t.app.inject({ method: 'POST', url: '/api/auth/keys', headers: user.headers, payload: { name: 'script' } })).json().data
    const keyHeaders = { authorization: `Bearer ${key}` }
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: keyHeaders })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ success: false, code: 'api_key_logout', error: expect.stringContaining(`DELETE /api/auth/keys/${id}`) })
    expect((await t.app.inject({ url: '/api/auth/me', headers: keyHeaders })).statusCode).toBe(200)
  })

  it('stores passwords hashed with scrypt and audits logins', async () => {
    const user = await signUp(t.app)
    const row = await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: user.userId } })
    expect(row.passwordHash).toMatch(/^scrypt\$/)
    expect(row.passwordHash).not.toContain(user.password)
    await new Promise((r) => setTimeout(r, 50))
    const actions = (await t.app.db.prisma.auditLog.findMany({ where: { userId: user.userId } })).map((a) => a.action)
    expect(actions).toEqual(expect.arrayContaining(['user.register', 'user.login']))
  })
})

describe('AUTH_MODE=required', () => {
  let t: TestApp
  const metricsToken = 'scrape-secret-0123456789'
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTH_MODE: 'required', METRICS_TOKEN: metricsToken } })
  })
  afterAll(async () => t.close())

  it('needs a token on /api routes but not for register, login or probes', async () => {
    const anon = await t.app.inject({ url: '/api/calls' })
    expect(anon.statusCode).toBe(401)
    expect(anon.json()).toMatchObject({ success: false, code: 'unauthorized' })
    expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200)
    const user = await signUp(t.app)
    expect((await t.app.inject({ url: '/api/calls', headers: user.headers })).statusCode).toBe(200)
  })

  it('needs a token on every route that processes audio, each answering in its own shape', async () => {
    const form = { 'content-type': 'multipart/form-data; boundary=x' }
    const body = '--x\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--x--\r\n'
    const upload = await t.app.inject({ method: 'POST', url: '/upload', headers: form, payload: body })
    expect(upload.statusCode).toBe(401)
    expect(upload.json()).toEqual({ error: expect.stringMatching(/Authentication required/) })
    const analyze = await t.app.inject({ method: 'POST', url: '/audio/analyze', headers: form, payload: body })
    expect(analyze.statusCode).toBe(401)
    expect(analyze.json()).toMatchObject({ error: 'ValidationError', details: { code: 'unauthorized' } })
    const openai = await t.app.inject({ method: 'POST', url: '/v1/audio/transcriptions', headers: form, payload: body })
    expect(openai.statusCode).toBe(401)
    expect(openai.json().error).toMatchObject({ type: 'authentication_error' })

    // With a token the same requests get past auth and fail on what they lack: the audio.
    const user = await signUp(t.app)
    for (const url of ['/upload', '/audio/analyze']) {
      const res = await t.app.inject({ method: 'POST', url, headers: { ...form, ...user.headers }, payload: body })
      expect(res.statusCode).toBe(400)
    }
  })

  it('keeps /metrics for the holder of METRICS_TOKEN, while the probes and docs stay public', async () => {
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401)
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401)
    const scraped = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } })
    expect(scraped.statusCode).toBe(200)
    expect(scraped.body).toMatch(/^# HELP /m)
    for (const url of ['/health', '/ready', '/docs/json']) expect((await t.app.inject({ url })).statusCode).toBe(200)
  })
})

describe('password guessing', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTH_MAX_FAILURES_PER_ACCOUNT: '4', AUTH_MAX_ATTEMPTS_PER_IP: '1000', AUTH_WINDOW_MINUTES: '0.05' } })
  })
  afterAll(async () => t.close())
  const login = (username: string, password: string, ip = '10.60.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username, password } })

  it('locks an account after repeated failures from any address, with Retry-After, and unlocks when the window ends', async () => {
    const user = await signUp(t.app)
    const codes = []
    for (let i = 0; i < 4; i++) codes.push((await login(user.username, `wrong guess ${i}`, `10.61.0.${i}`)).statusCode)
    expect(codes).toEqual([401, 401, 401, 401])
    // Even the right password waits, from a fresh address too, so guessing cannot continue.
    const locked = await login(user.username.toUpperCase(), user.password, '10.61.1.1')
    expect(locked.statusCode).toBe(429)
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    expect(locked.json()).toMatchObject({ success: false, code: 'login_locked', error: expect.stringMatching(/Retry in/) })
    // Other accounts are unaffected.
    const other = await signUp(t.app)
    expect((await login(other.username, other.password, '10.61.1.1')).statusCode).toBe(200)

    await new Promise((r) => setTimeout(r, Number(locked.headers['retry-after']) * 1000 + 100))
    expect((await login(user.username, user.password)).statusCode).toBe(200)
  })

  it('counts parallel guesses: at most the allowed failures are checked', async () => {
    const user = await signUp(t.app)
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login(user.username, `parallel guess ${i}`, `10.62.0.${i}`)))
    const codes = answers.map((r) => r.statusCode)
    expect(codes.filter((c) => c === 401)).toHaveLength(4)
    expect(codes.filter((c) => c === 429)).toHaveLength(16)
  })

  it('answers unknown usernames the same way, so the lock does not reveal accounts', async () => {
    const codes = []
    for (let i = 0; i < 5; i++) codes.push((await login('nobody-here', `guess ${i}`)).statusCode)
    expect(codes).toEqual([401, 401, 401, 401, 429])
  })
})

describe('register and login per IP address', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTH_MAX_ATTEMPTS_PER_IP: '5' } })
  })
  afterAll(async () => t.close())

  it('caps attempts from one address across accounts and across register and login', async () => {
    const ip = '10.70.0.1'
    const codes = []
    for (let i = 0; i < 3; i++)
      codes.push(
        (await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username: `victim${i}`, password: 'Summer2019!' } }))
          .statusCode
      )
    for (let i = 0; i < 3; i++)
      codes.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/auth/register',
            remoteAddress: ip,
            payload: { username: `new${i}`, password: 'long enough pw', email: `new${i}@example.com` }
          })
        ).statusCode
      )
    expect(codes).toEqual([401, 401, 401, 201, 201, 429])
    const refused = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username: 'new0', password: 'long enough pw' } })
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toMatchObject({ success: false, code: 'rate_limited', error: expect.stringMatching(/5 requests per 15 minutes/) })
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.70.0.2', payload: { username: 'new0', password: 'long enough pw' } }))
        .statusCode
    ).toBe(200)
  })
})
