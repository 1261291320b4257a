import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '../generated/prisma/client.js'
import { badRequest, notFound } from '../errors.js'

/** Who asks: the app's user id, and the voxlens account when the request carried a token. */
export interface Requester {
  userId: string
  accountId: string | null
}

export interface LearnerTurn {
  text: string
  transcript: string | null
  correction: string | null
  explanation: string | null
  category: string | null
  score: number
  voiceSeconds: number | null
  timings: Record<string, number>
}

export interface TutorTurn {
  text: string
  audioKey: string | null
  engine: string
  promptVersion: string | null
}

/**
 * Postgres text cannot hold a NUL character: a field with one is refused naming the field, before
 * any work is done for it, rather than failing the query with a 500.
 */
export function assertStorable(fields: Record<string, string | null | undefined>): void {
  for (const [name, value] of Object.entries(fields)) {
    if (value?.includes('\0')) throw badRequest(`Invalid field "${name}": it contains a NUL character (\\u0000); send plain text.`, 'invalid_field')
  }
}

export const conversationNotFound = () => notFound('Conversation not found', 'conversation_not_found')

/**
 * A conversation is visible to the app user who started it; one started with a voxlens token only
 * to that account as well. Anything else reads as "not found", so ids of others cannot be probed.
 */
function visibleTo(who: Requester) {
  return { userId: who.userId, OR: [{ ownerId: null }, ...(who.accountId ? [{ ownerId: who.accountId }] : [])] }
}

const utcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))

/** Conversations, their messages and usage per day, in Postgres through Prisma. */
export function createPracticeStore(prisma: PrismaClient) {
  return {
    /** The earlier turns of a conversation the requester may continue; 404 otherwise. */
    async history(id: string, who: Requester, limit: number): Promise<{ role: 'user' | 'assistant'; text: string }[]> {
      assertStorable({ conversation_id: id, user_id: who.userId })
      const conv = await prisma.conversation.findFirst({ where: { id, ...visibleTo(who) }, select: { id: true } })
      if (!conv) throw conversationNotFound()
      const rows = await prisma.message.findMany({
        where: { conversationId: id },
        orderBy: { createdAt: 'desc' },
        take: limit,
        select: { role: true, text: true }
      })
      return rows.reverse().map((r) => ({ role: r.role === 'assistant' ? 'assistant' : 'user', text: r.text }))
    },

    /**
     * Stores one exchange and counts it in the day's usage, all in one transaction: a request that
     * fails anywhere before this leaves nothing, and one that fails here leaves nothing either.
     */
    async saveExchange(who: Requester, conversationId: string | undefined, learner: LearnerTurn, tutor: TutorTurn): Promise<string> {
      const id = conversationId ?? `conv-${randomUUID()}`
      const now = new Date()
      await prisma.$transaction(async (tx) => {
        if (conversationId) {
          const { count } = await tx.conversation.updateMany({ where: { id, ...visibleTo(who) }, data: { updatedAt: now } })
          // Deleted while the tutor was thinking.
          if (count === 0) throw conversationNotFound()
        } else {
          await tx.conversation.create({ data: { id, userId: who.userId, ownerId: who.accountId } })
        }
        await tx.message.create({
          data: {
            conversationId: id,
            role: 'user',
            text: learner.text,
            transcript: learner.transcript,
            correction: learner.correction,
            explanation: learner.explanation,
            category: learner.category,
            score: learner.score,
            voiceSeconds: learner.voiceSeconds,
            timings: learner.timings,
            createdAt: now
          }
        })
        await tx.message.create({
          data: {
            conversationId: id,
            role: 'assistant',
            text: tutor.text,
            audioKey: tutor.audioKey,
            engine: tutor.engine,
            promptVersion: tutor.promptVersion,
            createdAt: new Date(now.getTime() + 1)
          }
        })
        // One statement, so concurrent requests add to the same row instead of overwriting each other.
        await tx.$executeRaw`
          INSERT INTO practice_usage_days (user_id, day, messages, voice_seconds, score_sum, scored_messages)
          VALUES (${who.userId}, ${utcDay(now)}::date, 1, ${learner.voiceSeconds ?? 0}, ${learner.score}, 1)
          ON CONFLICT (user_id, day) DO UPDATE SET
            messages = practice_usage_days.messages + 1,
            voice_seconds = practice_usage_days.voice_seconds + EXCLUDED.voice_seconds,
            score_sum = practice_usage_days.score_sum + EXCLUDED.score_sum,
            scored_messages = practice_usage_days.scored_messages + 1`
      })
      return id
    },

    async list(who: Requester, limit: number) {
      assertStorable({ user_id: who.userId })
      const rows = await prisma.conversation.findMany({
        where: visibleTo(who),
        orderBy: { updatedAt: 'desc' },
        take: limit,
        include: {
          _count: { select: { messages: true } },
          messages: { orderBy: { createdAt: 'desc' }, take: 1, select: { text: true } }
        }
      })
      return rows.map((c) => ({
        id: c.id,
        userId: c.userId,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        messageCount: c._count.messages,
        last: c.messages[0]?.text ?? null
      }))
    },

    async get(id: string, who: Requester) {
      assertStorable({ id, user_id: who.userId })
      const conv = await prisma.conversation.findFirst({ where: { id, ...visibleTo(who) }, include: { messages: { orderBy: { createdAt: 'asc' } } } })
      if (!conv) throw conversationNotFound()
      return conv
    },

    /** Deletes the conversation and its messages (reply audio is shared by identical replies and stays). */
    async remove(id: string, who: Requester): Promise<void> {
      assertStorable({ id, user_id: who.userId })
      const { count } = await prisma.conversation.deleteMany({ where: { id, ...visibleTo(who) } })
      if (count === 0) throw conversationNotFound()
    },

    /** The last `days` UTC days, oldest first, with zeros for days without practice. */
    async usage(userId: string, days: number, today = new Date()) {
      assertStorable({ user_id: userId })
      const end = utcDay(today)
      const start = new Date(end.getTime() - (days - 1) * 86_400_000)
      const rows = await prisma.usageDay.findMany({ where: { userId, day: { gte: start, lte: end } } })
      const byDay = new Map(rows.map((r) => [r.day.toISOString().slice(0, 10), r]))
      return Array.from({ length: days }, (_, i) => {
        const date = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10)
        const r = byDay.get(date)
        return {
          date,
          messages: r?.messages ?? 0,
          voice_seconds: Math.round((r?.voiceSeconds ?? 0) * 10) / 10,
          average_score: r && r.scoredMessages > 0 ? Math.round(r.scoreSum / r.scoredMessages) : null
        }
      })
    }
  }
}

export type PracticeStore = ReturnType<typeof createPracticeStore>
