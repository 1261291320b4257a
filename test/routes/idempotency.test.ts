import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { uploadCall } from '../helpers/api-process.js'
import { synthesize } from '../fixtures/speech.js'
import { waitFor } from '../queue/wait.js'

/** A client that retries POST /api/calls with the same Idempotency-Key never creates two records. */
describe('Idempotency-Key on POST /api/calls', () => {
  let t: TestApp
  let base: string
  let audio: Buffer
  let other: Buffer
  const fields = { diarize: 'false', emotion: 'false', analyze: 'false' }
  const count = () => t.app.db.prisma.callRecord.count()

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    audio = readFileSync(await synthesize('please send the invoice today', { voice: 'slt' }))
    other = readFileSync(await synthesize('the meeting moved to friday', { voice: 'slt' }))
  }, 60_000)
  afterAll(async () => t.close())

  it('answers a synchronous retry with the same record, without processing it again', async () => {
    const headers = { 'idempotency-key': 'sync-retry-1' }
    const first = await uploadCall(base, audio, fields, headers)
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    const records = await count()
    const again = await uploadCall(base, audio, fields, headers)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body.data).toMatchObject({ id: first.body.data.id, status: first.body.data.status, transcript: first.body.data.transcript })
    expect(await count()).toBe(records)
    const stored = await t.app.db.prisma.callRecord.findUniqueOrThrow({ where: { id: first.body.data.id } })
    expect(stored.attempts).toBe(1)
  }, 60_000)

  it('answers an async retry with 202 and the same id while queued, then 201 once done', async () => {
    const headers = { 'idempotency-key': 'async-retry-1' }
    const first = await uploadCall(base, audio, { ...fields, async: 'true' }, headers)
    expect(first.status).toBe(202)
    const records = await count()
    const again = await uploadCall(base, audio, { ...fields, async: 'true' }, headers)
    expect([201, 202]).toContain(again.status)
    expect(again.body.data.id).toBe(first.body.data.id)
    await waitFor(
      () => t.app.db.prisma.callRecord.findUniqueOrThrow({ where: { id: first.body.data.id } }),
      (r) => r.status === 'completed',
      60_000
    )
    const done = await uploadCall(base, audio, { ...fields, async: 'true' }, headers)
    expect(done.status).toBe(201)
    expect(done.body.data).toMatchObject({ id: first.body.data.id, status: 'completed' })
    expect(await count()).toBe(records)
  }, 90_000)

  it('refuses the same key with another file or other options (409), and scopes keys per account', async () => {
    const headers = { 'idempotency-key': 'reused-key' }
    expect((await uploadCall(base, audio, { ...fields, async: 'true' }, headers)).status).toBe(202)
    const records = await count()
    const otherFile = await uploadCall(base, other, { ...fields, async: 'true' }, headers)
    expect(otherFile.status).toBe(409)
    expect(otherFile.body).toMatchObject({ success: false, code: 'idempotency_key_reused' })
    expect(otherFile.body.error).toMatch(/Idempotency-Key/)
    expect((await uploadCall(base, audio, { ...fields, async: 'true', language: 'fr' }, headers)).status).toBe(409)
    expect(await count()).toBe(records)

    // Another account's key of the same name is its own.
    const user = await signUp(t.app)
    const theirs = await uploadCall(base, audio, { ...fields, async: 'true' }, { ...headers, ...user.headers })
    expect(theirs.status).toBe(202)
    expect(await count()).toBe(records + 1)
  }, 60_000)

  it('holds for anonymous callers too: a retry racing the first request gets a 409, never a second record', async () => {
    const anonymous = { ownerId: null, filename: 'retry.wav', bytes: audio, options: { async: true, diarize: false, emotion: false, analyze: false } }
    await t.app.calls.create({ ...anonymous, idempotencyKey: 'anonymous-race-1' })
    // The second request passed its look-up before the first had inserted: only the unique index can stop it.
    await expect(t.app.calls.create({ ...anonymous, idempotencyKey: 'anonymous-race-1' })).rejects.toMatchObject({
      statusCode: 409,
      code: 'idempotency_key_in_use'
    })
    expect(await t.app.db.prisma.callRecord.count({ where: { ownerId: null, idempotencyKey: 'anonymous-race-1' } })).toBe(1)

    const racing = await Promise.all([1, 2, 3].map(() => uploadCall(base, audio, { ...fields, async: 'true' }, { 'idempotency-key': 'anonymous-race-2' })))
    expect(racing.map((r) => r.status).every((s) => s === 202 || s === 409)).toBe(true)
    expect(await t.app.db.prisma.callRecord.count({ where: { ownerId: null, idempotencyKey: 'anonymous-race-2' } })).toBe(1)

    // Uploads without a key are not held to it, anonymous or signed in.
    const user = await signUp(t.app)
    const keyless = []
    for (const ownerId of [null, null, user.userId, user.userId]) keyless.push(await t.app.calls.create({ ...anonymous, ownerId }))
    expect(new Set(keyless.map((r) => r.id)).size).toBe(4)
  }, 60_000)

  it('rejects a malformed key with a 400 that says what a key looks like', async () => {
    const res = await uploadCall(base, audio, fields, { 'idempotency-key': 'x'.repeat(300) })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/1 to 255 visible ASCII/)
  })
})
