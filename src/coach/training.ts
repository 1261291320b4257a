import type { PrismaClient } from '../generated/prisma/client.js'
import { notFound } from '../errors.js'
import { cardFromJson, drillFor, plan, review, stateName, type DrillRating } from './drills.js'

type DrillRow = { id: string; errorType: string; card: unknown; dueAt: Date; sessionId: string | null; createdAt: Date }

/** A drill as the learner sees it: what to do, and where it stands in its FSRS schedule. */
export function taskView(d: DrillRow) {
  const card = cardFromJson(d.card)
  const content = drillFor(d.errorType)
  return {
    id: d.id,
    error_type: d.errorType,
    ...content,
    due_at: d.dueAt.toISOString(),
    session_id: d.sessionId,
    schedule: {
      state: stateName(card.state),
      reps: card.reps,
      lapses: card.lapses,
      stability: card.stability,
      difficulty: card.difficulty,
      last_review: card.last_review ? card.last_review.toISOString() : null
    }
  }
}
export type TaskView = ReturnType<typeof taskView>

export function createTrainingService(deps: { prisma: PrismaClient }) {
  const { prisma } = deps
  return {
    /** Drills due now, most overdue first. */
    async due(userId: string, now = new Date()) {
      const rows = await prisma.coachDrill.findMany({ where: { userId, dueAt: { lte: now } }, orderBy: [{ dueAt: 'asc' }, { createdAt: 'asc' }] })
      return rows.map(taskView)
    },

    /** The next `days` days: reviews on their due day, new drills spread a few a day. */
    async plan(userId: string, days: number, now = new Date()) {
      const rows = await prisma.coachDrill.findMany({ where: { userId }, orderBy: [{ dueAt: 'asc' }, { createdAt: 'asc' }] })
      const tasks = rows.map((r) => ({ view: taskView(r), id: r.id, dueAt: r.dueAt, isNew: cardFromJson(r.card).state === 0 }))
      return plan(tasks, now, days).map((d) => ({ date: d.date, tasks: d.tasks.map((t) => t.view) }))
    },

    /** Records a review and reschedules the drill as FSRS says; the review and both due dates are kept. */
    async complete(userId: string, id: string, rating: DrillRating, now = new Date()) {
      const drill = await prisma.coachDrill.findFirst({ where: { id, userId } })
      if (!drill) throw notFound('No training task with this id belongs to you.', 'task_not_found')
      const next = review(cardFromJson(drill.card), rating, now)
      const [updated] = await prisma.$transaction([
        prisma.coachDrill.update({ where: { id }, data: { card: next.card as object, dueAt: next.card.due } }),
        prisma.coachDrillReview.create({
          data: { drillId: id, rating: next.log.rating, log: next.log as object, dueBefore: drill.dueAt, dueAfter: next.card.due, reviewedAt: now }
        })
      ])
      return taskView(updated)
    }
  }
}

export type TrainingService = ReturnType<typeof createTrainingService>
