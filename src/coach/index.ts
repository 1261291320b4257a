import type { FastifyBaseLogger } from 'fastify'
import { audit, type AuditEntry } from '../audit.js'
import type { ChatClient } from '../chat/client.js'
import type { PrismaClient } from '../generated/prisma/client.js'
import type { BlobStore } from '../storage/types.js'
import { createAnalysisService } from './analysis.js'
import { createProfileService } from './profile.js'
import { createReportService } from './reports.js'
import { createSessionService } from './sessions.js'
import { createTrainingService } from './training.js'
import type { CoachTask } from './worker.js'

export interface CoachDeps {
  prisma: PrismaClient
  storage: BlobStore
  log: FastifyBaseLogger
  chat?: ChatClient
  /** runs CPU work (grammar checking, PDF rendering) off the event loop */
  runTask: (task: CoachTask) => Promise<unknown>
  enqueue: { analysis: (sessionId: string) => Promise<void>; report: (reportId: string) => Promise<void> }
  reportTtlSeconds: number
  /** PocketSphinx model directory for pronunciation scoring */
  modelDir?: string
  observe?: (phase: string, seconds: number) => void
}

/** The speaking coach's domain: profiles, sessions, two-phase analysis, drills and reports. Free of HTTP. */
export function createCoach(deps: CoachDeps) {
  const record = (entry: AuditEntry) => audit(deps.prisma, deps.log, entry)
  const analysis = createAnalysisService({
    prisma: deps.prisma,
    storage: deps.storage,
    modelDir: deps.modelDir,
    runTask: deps.runTask,
    enqueue: deps.enqueue.analysis,
    chat: deps.chat,
    log: deps.log,
    observe: deps.observe,
    audit: record
  })
  return {
    profiles: createProfileService({ prisma: deps.prisma }),
    sessions: createSessionService({
      prisma: deps.prisma,
      queueAnalysis: (id) => analysis.queue(id),
      observe: deps.observe,
      audit: record,
      chat: deps.chat,
      log: deps.log,
      storage: deps.storage
    }),
    analysis,
    training: createTrainingService({ prisma: deps.prisma }),
    reports: createReportService({
      prisma: deps.prisma,
      storage: deps.storage,
      runTask: deps.runTask,
      enqueue: deps.enqueue.report,
      ttlSeconds: deps.reportTtlSeconds,
      observe: deps.observe
    })
  }
}

export type Coach = ReturnType<typeof createCoach>
export type { CoachWord, LearnerError, Criterion } from './types.js'
