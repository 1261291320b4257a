import type { FastifyBaseLogger } from 'fastify'
import type { AuditEntry } from '../audit.js'
import type { ChatClient } from '../chat/client.js'
import type { PrismaClient } from '../generated/prisma/client.js'
import { conflict, HttpError, notFound } from '../errors.js'
import type { BlobStore } from '../storage/types.js'
import type { DeepAnalysis } from './analyse.js'
import { newCard } from './drills.js'
import { applyFeedback, writeFeedback } from './feedback.js'
import { FEEDBACK_PROMPT_CHECKSUM, FEEDBACK_PROMPT_VERSION } from './prompts.js'
import { answerAudioKey, type AnswerAudio } from './pronunciation/session.js'
import { learnerAnswers } from './sessions.js'
import type { LearnerAnswer } from './types.js'
import type { CoachTask } from './worker.js'

export interface AnalysisDeps {
  prisma: PrismaClient
  /** where learner answers' recordings are kept, for pronunciation */
  storage?: Pick<BlobStore, 'get' | 'delete'>
  /** PocketSphinx model directory for pronunciation scoring */
  modelDir?: string
  runTask: (task: CoachTask) => Promise<unknown>
  enqueue: (sessionId: string) => Promise<void>
  chat?: ChatClient
  log: FastifyBaseLogger
  observe?: (phase: 'queue_wait' | 'deep' | 'llm', seconds: number) => void
  audit?: (entry: AuditEntry) => Promise<void>
}

export function createAnalysisService(deps: AnalysisDeps) {
  const { prisma } = deps
  return {
    /** Records the analysis as queued (with the prompt version it will use) and puts the job on the queue. */
    async queue(sessionId: string) {
      await prisma.coachAnalysis.upsert({
        where: { sessionId },
        create: { sessionId, status: 'queued', promptVersion: FEEDBACK_PROMPT_VERSION, promptChecksum: FEEDBACK_PROMPT_CHECKSUM },
        update: { status: 'queued', error: null }
      })
      await prisma.coachSession.update({ where: { id: sessionId }, data: { status: 'analysing' } })
      await deps.enqueue(sessionId)
    },

    /** The job: deep analysis in a worker thread, written feedback when a chat model is configured, drills scheduled. */
    async run(sessionId: string) {
      const record = await prisma.coachAnalysis.findUnique({ where: { sessionId }, include: { session: { include: { turns: { orderBy: { seq: 'asc' } } } } } })
      if (!record) throw new Error(`no analysis queued for session ${sessionId}`)
      const started = Date.now()
      const queueWait = (started - record.createdAt.getTime()) / 1000
      deps.observe?.('queue_wait', queueWait)
      await prisma.coachAnalysis.update({ where: { sessionId }, data: { status: 'processing' } })
      try {
        const { session } = record
        const profile = await prisma.coachProfile.findUnique({ where: { userId: session.userId } })
        const answers = learnerAnswers(session.turns)
        const audio = await answerAudio(deps.storage, sessionId, answers)
        let analysis = (await deps.runTask({ kind: 'analyse', answers, firstLanguage: profile?.firstLanguage, audio, modelDir: deps.modelDir })) as DeepAnalysis
        const deepSeconds = (Date.now() - started) / 1000
        deps.observe?.('deep', deepSeconds)
        let feedback: { provider: string; model: string; comments: Record<string, string>; adjustments: unknown[] } | { error: string } | undefined
        let llmSeconds: number | undefined
        if (deps.chat?.available && answers.length) {
          const t = Date.now()
          try {
            const f = await writeFeedback(deps.chat, answers, analysis)
            analysis = applyFeedback(analysis, f, answers)
            feedback = { provider: deps.chat.provider, model: deps.chat.model, comments: f.comments, adjustments: f.adjustments }
          } catch (err) {
            // The measured bands stand on their own; the comments are an extra.
            deps.log.warn({ err, sessionId }, 'coach feedback from the chat model failed')
            feedback = { error: err instanceof Error ? err.message : String(err) }
          }
          llmSeconds = (Date.now() - t) / 1000
          deps.observe?.('llm', llmSeconds)
        }
        const timings = { queue_wait_s: queueWait, deep_s: deepSeconds, ...analysis.timings, ...(llmSeconds !== undefined && { llm_s: llmSeconds }) }
        await scheduleDrills(prisma, session.userId, sessionId, analysis)
        await prisma.$transaction([
          prisma.coachAnalysis.update({
            where: { sessionId },
            data: { status: 'completed', result: { ...analysis, timings: undefined, feedback } as object, timings, completedAt: new Date() }
          }),
          prisma.coachSession.update({ where: { id: sessionId }, data: { status: 'analysed' } })
        ])
        // The recordings served their one purpose: a voice is personal data, kept no longer than needed.
        // (A failed analysis keeps them, so it can run again.)
        await Promise.all(
          answers.map((a) =>
            deps.storage
              ?.delete(answerAudioKey(sessionId, a.seq))
              .catch((err: unknown) => deps.log.warn({ err, sessionId, seq: a.seq }, 'coach answer recording could not be deleted'))
          )
        )
        void deps.audit?.({
          action: 'coach.analysis',
          userId: session.userId,
          target: sessionId,
          details: { overall: analysis.overall, errors: analysis.errors.length }
        })
      } catch (err) {
        await this.fail(sessionId, err instanceof Error ? err.message : String(err))
        throw err
      }
    },

    async fail(sessionId: string, reason: string) {
      await prisma.coachAnalysis.updateMany({ where: { sessionId, status: { not: 'completed' } }, data: { status: 'failed', error: reason } })
      await prisma.coachSession.updateMany({ where: { id: sessionId, status: 'analysing' }, data: { status: 'failed', error: reason } })
    },

    async get(userId: string, sessionId: string) {
      const session = await prisma.coachSession.findFirst({ where: { id: sessionId, userId }, include: { analysis: true } })
      if (!session) throw notFound('No coach session with this id belongs to you.', 'session_not_found')
      return session
    },

    async completed(userId: string, sessionId: string) {
      const session = await this.get(userId, sessionId)
      if (session.analysis?.status !== 'completed') {
        throw conflict(
          `The analysis of this session is ${session.analysis?.status ?? 'not started (end the session first)'}: try again when it is completed.`,
          'analysis_not_ready'
        )
      }
      return { session, analysis: session.analysis }
    }
  }
}

/** Each answer's recording from blob storage; one that is missing or unreadable says why instead. */
async function answerAudio(storage: AnalysisDeps['storage'], sessionId: string, answers: LearnerAnswer[]): Promise<AnswerAudio[]> {
  return Promise.all(
    answers.map(async ({ seq, text }) => {
      if (!storage) return { seq, text, missing: 'Answer recordings are not kept on this server.' }
      try {
        return { seq, text, wav: await storage.get(answerAudioKey(sessionId, seq)) }
      } catch (err) {
        const notFound = err instanceof HttpError && err.statusCode === 404
        return {
          seq,
          text,
          missing: notFound ? 'No recording of this answer was kept.' : `Its recording could not be read: ${err instanceof Error ? err.message : String(err)}.`
        }
      }
    })
  )
}

/** One drill card per error type and learner; a type seen again keeps its schedule (FSRS owns it). */
async function scheduleDrills(prisma: PrismaClient, userId: string, sessionId: string, analysis: DeepAnalysis) {
  const counts = new Map<string, number>()
  for (const e of analysis.errors) counts.set(e.type, (counts.get(e.type) ?? 0) + 1)
  const now = new Date()
  const types = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t)
  // createMany with skipDuplicates: two analyses finishing together cannot make two cards of one type.
  await prisma.coachDrill.createMany({
    data: types.map((errorType, i) => {
      // Spread creation by a millisecond each, so "new" drills keep the order of how often their error occurred.
      const at = new Date(now.getTime() + i)
      return { userId, errorType, sessionId, card: newCard(at) as object, dueAt: at, createdAt: at }
    }),
    skipDuplicates: true
  })
}

export type AnalysisService = ReturnType<typeof createAnalysisService>
