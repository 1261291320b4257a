import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newCard } from '../../src/coach/drills.js'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'

describe('coach data belongs to its user', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  }, 120_000)
  afterAll(async () => t?.close())

  it("deletes an account's profile, sessions, turns, analyses, drills and reports with the account, and no one else's", async () => {
    const [gone, stays] = [await signUp(t.app), await signUp(t.app)]
    const prisma = t.app.db.prisma
    for (const user of [gone, stays]) {
      await t.app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: user.headers, payload: { first_language: 'uz' } })
      const id = (await t.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: user.headers, payload: { part: 1 } })).json().data.id
      await t.app.coach.sessions.start(user.userId, id)
      await prisma.coachAnalysis.create({ data: { sessionId: id, promptVersion: 'coach-feedback.v1', promptChecksum: 'x' } })
      await prisma.coachReport.create({ data: { sessionId: id, userId: user.userId } })
      const drill = await prisma.coachDrill.create({
        data: { userId: user.userId, errorType: 'article', sessionId: id, card: newCard(new Date()) as object, dueAt: new Date() }
      })
      await prisma.coachDrillReview.create({ data: { drillId: drill.id, rating: 3, log: {}, dueBefore: new Date(), dueAfter: new Date() } })
    }
    const counts = async (userId: string) => [
      await prisma.coachProfile.count({ where: { userId } }),
      await prisma.coachSession.count({ where: { userId } }),
      await prisma.coachTurn.count({ where: { session: { userId } } }),
      await prisma.coachAnalysis.count({ where: { session: { userId } } }),
      await prisma.coachReport.count({ where: { userId } }),
      await prisma.coachDrill.count({ where: { userId } }),
      await prisma.coachDrillReview.count({ where: { drill: { userId } } })
    ]
    expect(await counts(gone.userId)).toEqual([1, 1, 1, 1, 1, 1, 1])

    await prisma.user.delete({ where: { id: gone.userId } })
    expect(await counts(gone.userId)).toEqual([0, 0, 0, 0, 0, 0, 0])
    expect(await counts(stays.userId)).toEqual([1, 1, 1, 1, 1, 1, 1])
    expect((await t.app.inject({ url: '/api/v1/users/me', headers: stays.headers })).json().data).toMatchObject({ sessions_count: 1, first_language: 'uz' })
  })

  it('refuses coach rows for a user that does not exist', async () => {
    const prisma = t.app.db.prisma
    await expect(prisma.coachSession.create({ data: { userId: randomUUID(), part: '1' } })).rejects.toThrow(/foreign key/i)
    await expect(prisma.coachProfile.create({ data: { userId: randomUUID(), firstLanguage: 'uz' } })).rejects.toThrow(/foreign key/i)
  })
})
