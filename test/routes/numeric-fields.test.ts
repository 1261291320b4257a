import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { uploadCall } from '../helpers/api-process.js'
import { toneWav } from '../helpers/wav.js'

/**
 * Query parameters and form fields read by parseFields take numbers as written: "1.5" is not the
 * integer 1, and "" or "0x10" are not numbers at all. Routes validated by Fastify's own schema
 * compiler already refuse these.
 */
describe('numeric query parameters and form fields', () => {
  let t: TestApp
  let base: string
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  }, 240_000)
  afterAll(async () => t?.close())

  it('GET /api/v1/ai/usage refuses days that are not a whole number, in the practice shape', async () => {
    for (const days of ['1.5', '0x10', '', '2e0', ' 3']) {
      const res = await t.app.inject({ url: `/api/v1/ai/usage?user_id=learner-1&days=${encodeURIComponent(days)}` })
      expect(res.statusCode, `days=${JSON.stringify(days)}`).toBe(400)
      expect(res.json().detail).toMatch(/"days".*integer/)
    }
    const ok = await t.app.inject({ url: '/api/v1/ai/usage?user_id=learner-1&days=2' })
    expect(ok.statusCode).toBe(200)
    expect(ok.json().days).toHaveLength(2)
    // Fastify's compiler guards the /api list the same way.
    expect((await t.app.inject({ url: '/api/calls?limit=1.5' })).statusCode).toBe(400)
  })

  it('POST /api/calls refuses speakers_expected=2.5 before storing anything', async () => {
    const before = await t.app.db.prisma.callRecord.count()
    const res = await uploadCall(base, toneWav(1), { speakers_expected: '2.5', diarize: 'false', emotion: 'false', analyze: 'false' })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/"speakers_expected".*integer/)
    expect(await t.app.db.prisma.callRecord.count()).toBe(before)
  })
})
