import type { FastifyBaseLogger } from 'fastify'
import type { AuditEntry } from '../audit.js'
import type { ChatClient } from '../chat/client.js'
import type { PrismaClient } from '../generated/prisma/client.js'
import { badRequest, conflict, notFound } from '../errors.js'
import { askFollowup, mayFollowUp, storedQuestion, type FollowupOutcome } from './followup.js'
import { isKnownTopic, scriptFor, TOPICS, type Question, type SessionPart } from './questions.js'
import { toWav } from '../audio/wav.js'
import { answerAudioKey } from './pronunciation/session.js'
import { fastSummary, type FastSummary } from './summary.js'
import type { BlobStore } from '../storage/types.js'
import type { CoachWord, LearnerAnswer } from './types.js'

export type SessionStatus = 'created' | 'active' | 'ended' | 'analysing' | 'analysed' | 'failed'

export interface SessionDeps {
  prisma: PrismaClient
  /** queues the deep analysis of an ended session */
  queueAnalysis: (sessionId: string) => Promise<void>
  /** told about each finished summary, for metrics */
  observe?: (phase: 'summary', seconds: number) => void
  audit?: (entry: AuditEntry) => Promise<void>
  /** when available, the examiner may follow up once on each Part 1 and Part 3 answer */
  chat?: ChatClient
  /** bound on waiting for a follow-up (default FOLLOWUP_TIMEOUT_MS) */
  followupTimeoutMs?: number
  log?: Pick<FastifyBaseLogger, 'info' | 'warn'>
  /** keeps each answer's recording for the deep analysis (pronunciation) */
  storage?: Pick<BlobStore, 'put'>
}

const sessionNotFound = () => notFound('No coach session with this id belongs to you.', 'session_not_found')

/** A stable number from the session id, so a session's questions are the same however often it is read. */
const seedOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 8), 16)

const partOf = (stored: string): SessionPart => (stored === 'full' ? 'full' : (Number(stored) as 1 | 2 | 3))

export function learnerAnswers(
  turns: Array<{ seq: number; role: string; part: number; questionId: string | null; text: string; words: unknown }>
): LearnerAnswer[] {
  return turns
    .filter((t) => t.role === 'learner')
    .map((t) => ({ seq: t.seq, part: t.part as 1 | 2 | 3, questionId: t.questionId, text: t.text, words: (t.words as CoachWord[] | null) ?? [] }))
}

/**
 * Sessions and their turns. The live protocol drives a session through these calls: start (the first
 * question), answer (one learner turn, then the next question), end (the fast summary, then the deep
 * analysis on the queue). Every call takes the owner's id: another user's session is a 404.
 */
export function createSessionService(deps: SessionDeps) {
  const { prisma } = deps

  async function owned(userId: string, id: string) {
    const session = await prisma.coachSession.findFirst({ where: { id, userId } })
    if (!session) throw sessionNotFound()
    return session
  }

  async function ask(sessionId: string, question: Question) {
    const last = await prisma.coachTurn.findFirst({ where: { sessionId }, orderBy: { seq: 'desc' }, select: { seq: true } })
    const text = question.cues ? `${question.text} You should say: ${question.cues.join('; ')}.` : question.text
    await prisma.coachTurn.create({ data: { sessionId, seq: (last?.seq ?? 0) + 1, role: 'examiner', questionId: question.id, part: question.part, text } })
    return question
  }

  /** The question after the last one asked, or null when the script is done. */
  async function nextQuestion(session: { id: string; part: string; topic: string | null }): Promise<Question | null> {
    const script = scriptFor(partOf(session.part), session.topic ?? undefined, seedOf(session.id))
    const asked = await prisma.coachTurn.findMany({ where: { sessionId: session.id, role: 'examiner' }, select: { questionId: true } })
    const done = new Set(asked.map((a) => a.questionId))
    return script.find((q) => !done.has(q.id)) ?? null
  }

  return {
    async create(userId: string, input: { part: SessionPart; topic?: string }) {
      if (input.topic !== undefined && !isKnownTopic(input.topic)) {
        throw badRequest(`Unknown topic "${input.topic}": use one of ${TOPICS.join(', ')}, or leave it out.`, 'unknown_topic')
      }
      return prisma.coachSession.create({ data: { userId, part: String(input.part), topic: input.topic ?? null } })
    },

    async list(userId: string, page: { limit: number; offset: number }) {
      const [items, total] = await Promise.all([
        prisma.coachSession.findMany({
          where: { userId },
          orderBy: { createdAt: 'desc' },
          take: page.limit,
          skip: page.offset,
          include: { _count: { select: { turns: true } } }
        }),
        prisma.coachSession.count({ where: { userId } })
      ])
      return { items, total }
    },

    async get(userId: string, id: string) {
      const session = await owned(userId, id)
      const turns = await prisma.coachTurn.findMany({ where: { sessionId: id }, orderBy: { seq: 'asc' } })
      return { session, turns }
    },

    owned,

    /** Starts the session (idempotent) and returns the question to answer now. */
    async start(userId: string, id: string): Promise<Question | null> {
      const session = await owned(userId, id)
      if (session.status !== 'created' && session.status !== 'active') throw conflict(`This session has ${session.status}: start a new one.`, 'session_closed')
      if (session.status === 'created') await prisma.coachSession.update({ where: { id }, data: { status: 'active', startedAt: new Date() } })
      const pending = await prisma.coachTurn.findFirst({ where: { sessionId: id }, orderBy: { seq: 'desc' } })
      if (pending?.role === 'examiner') return storedQuestion(pending) ?? null
      const next = await nextQuestion(session)
      return next ? ask(id, next) : null
    },

    /**
     * Records the learner's answer to the pending question (word times relative to the answer) and
     * asks the next one; `next` is null when the script is finished. With a chat model, `next` may be a
     * follow-up on this answer instead (at most one per scripted question); `followup` says what became
     * of that chance, and any failure leaves the scripted question as `next`.
     */
    async answer(userId: string, id: string, input: { text: string; words: CoachWord[]; audio?: { pcm: Int16Array; sampleRate: number } }) {
      const session = await owned(userId, id)
      if (session.status !== 'active') throw conflict(`Answers go to an active session; this one is ${session.status}.`, 'session_not_active')
      const last = await prisma.coachTurn.findFirst({ where: { sessionId: id }, orderBy: { seq: 'desc' } })
      const turn = await prisma.coachTurn.create({
        data: {
          sessionId: id,
          seq: (last?.seq ?? 0) + 1,
          role: 'learner',
          questionId: last?.role === 'examiner' ? last.questionId : null,
          part: last?.part ?? 1,
          text: input.text,
          words: input.words as object[],
          startedAt: input.words[0]?.start ?? null,
          endedAt: input.words.at(-1)?.end ?? null
        }
      })
      if (input.audio && deps.storage) {
        // Pronunciation is assessed from it later; an answer whose recording could not be kept is still an answer.
        const wav = toWav(input.audio.pcm, input.audio.sampleRate)
        await deps.storage
          .put(answerAudioKey(id, turn.seq), wav, { contentType: 'audio/wav', contentLength: wav.byteLength })
          .catch((err: unknown) => deps.log?.warn({ err, sessionId: id, seq: turn.seq }, 'coach answer recording could not be stored'))
      }
      let followup: FollowupOutcome | undefined
      const answered = last?.role === 'examiner' ? storedQuestion(last) : undefined
      if (deps.chat?.available && mayFollowUp(answered) && input.words.length > 0) {
        const asked = await askFollowup(deps.chat, answered, input.text, deps.followupTimeoutMs)
        followup = asked.outcome
        const detail = { sessionId: id, questionId: answered.id, followup }
        if (followup.status === 'fallback') deps.log?.warn(detail, 'coach follow-up failed: the scripted question is asked instead')
        else deps.log?.info(detail, 'coach follow-up')
        if (asked.question) return { turn, next: await ask(id, asked.question), followup }
      }
      const next = await nextQuestion(session)
      if (next) await ask(id, next)
      return { turn, next, followup }
    },

    /** Ends the session: the fast summary now, the deep analysis queued. Ending twice answers the same summary. */
    async end(userId: string, id: string): Promise<FastSummary> {
      const session = await owned(userId, id)
      if (session.status !== 'created' && session.status !== 'active') return session.summary as unknown as FastSummary
      const started = performance.now()
      const [turns, profile] = await Promise.all([
        prisma.coachTurn.findMany({ where: { sessionId: id }, orderBy: { seq: 'asc' } }),
        prisma.coachProfile.findUnique({ where: { userId }, select: { firstLanguage: true } })
      ])
      const summary = fastSummary(learnerAnswers(turns), profile?.firstLanguage)
      summary.computed_ms = Math.round((performance.now() - started) * 10) / 10
      const ended = await prisma.coachSession.updateMany({
        where: { id, status: { in: ['created', 'active'] } },
        data: { status: 'ended', endedAt: new Date(), summary: summary as object }
      })
      deps.observe?.('summary', (performance.now() - started) / 1000)
      if (ended.count === 1) {
        void deps.audit?.({ action: 'coach.session.end', userId, target: id, details: { words: summary.words_spoken } })
        await deps.queueAnalysis(id)
      }
      return summary
    }
  }
}

export type SessionService = ReturnType<typeof createSessionService>
