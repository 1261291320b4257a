import type { PrismaClient } from '../generated/prisma/client.js'
import type { DeepAnalysis } from './analyse.js'

export interface ProfileUpdate {
  target_band?: number | null
  first_language?: string | null
  display_name?: string | null
}

const DAY = 86400_000
const dayOf = (d: Date) => Math.floor(d.getTime() / DAY)

/** Consecutive UTC days, ending today or yesterday, with at least one practice (a session or a drill review). */
export function streak(days: Date[], now = new Date()): number {
  const set = new Set(days.map(dayOf))
  let day = dayOf(now)
  if (!set.has(day)) day--
  let n = 0
  while (set.has(day)) {
    n++
    day--
  }
  return n
}

export function createProfileService(deps: { prisma: PrismaClient }) {
  const { prisma } = deps
  return {
    async get(user: { id: string; username: string; email: string }) {
      const [profile, sessionsCount, analysed, sessionDays, reviewDays] = await Promise.all([
        prisma.coachProfile.findUnique({ where: { userId: user.id } }),
        prisma.coachSession.count({ where: { userId: user.id } }),
        prisma.coachAnalysis.findMany({
          where: { status: 'completed', session: { userId: user.id } },
          orderBy: { completedAt: 'desc' },
          take: 20,
          select: { sessionId: true, completedAt: true, result: true }
        }),
        prisma.coachSession.findMany({ where: { userId: user.id }, select: { createdAt: true }, orderBy: { createdAt: 'desc' }, take: 400 }),
        prisma.coachDrillReview.findMany({ where: { drill: { userId: user.id } }, select: { reviewedAt: true }, orderBy: { reviewedAt: 'desc' }, take: 400 })
      ])
      const progress = analysed.map((a) => ({
        session_id: a.sessionId,
        date: a.completedAt!.toISOString(),
        overall: (a.result as unknown as DeepAnalysis).overall
      }))
      return {
        id: user.id,
        username: user.username,
        email: user.email,
        display_name: profile?.displayName ?? null,
        target_band: profile?.targetBand ?? null,
        first_language: profile?.firstLanguage ?? null,
        sessions_count: sessionsCount,
        latest_overall_band: progress[0]?.overall ?? null,
        streak_days: streak([...sessionDays.map((s) => s.createdAt), ...reviewDays.map((r) => r.reviewedAt)]),
        progress: progress.reverse()
      }
    },

    async update(userId: string, input: ProfileUpdate) {
      const data = {
        ...(input.target_band !== undefined && { targetBand: input.target_band }),
        ...(input.first_language !== undefined && { firstLanguage: input.first_language }),
        ...(input.display_name !== undefined && { displayName: input.display_name?.trim() || null })
      }
      await prisma.coachProfile.upsert({ where: { userId }, create: { userId, ...data }, update: data })
    }
  }
}
