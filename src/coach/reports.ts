import type { PrismaClient } from '../generated/prisma/client.js'
import { HttpError, notFound } from '../errors.js'
import type { BlobStore } from '../storage/types.js'
import type { DeepAnalysis } from './analyse.js'
import { cardFromJson, drillFor } from './drills.js'
import type { FastSummary } from './summary.js'
import type { CoachTask } from './worker.js'

export interface ReportDeps {
  prisma: PrismaClient
  storage: BlobStore
  runTask: (task: CoachTask) => Promise<unknown>
  enqueue: (reportId: string) => Promise<void>
  /** how long a report's link works */
  ttlSeconds: number
  observe?: (phase: 'report', seconds: number) => void
}

const reportNotFound = () => notFound('No report with this id belongs to you.', 'report_not_found')

export function createReportService(deps: ReportDeps) {
  const { prisma } = deps
  const expiresAt = (r: { createdAt: Date }) => new Date(r.createdAt.getTime() + deps.ttlSeconds * 1000)
  return {
    expiresAt,

    async request(userId: string, sessionId: string) {
      const report = await prisma.coachReport.create({ data: { sessionId, userId } })
      await deps.enqueue(report.id)
      return report
    },

    /** The job: renders the PDF in a worker thread and keeps it in blob storage. */
    async run(reportId: string) {
      const report = await prisma.coachReport.findUnique({ where: { id: reportId }, include: { session: { include: { analysis: true } } } })
      if (!report) throw new Error(`report ${reportId} does not exist`)
      const started = performance.now()
      try {
        const { session } = report
        const result = session.analysis?.result as unknown as DeepAnalysis | undefined
        if (!result) throw new Error('the session has no completed analysis')
        const [user, profile, drills] = await Promise.all([
          prisma.user.findUnique({ where: { id: report.userId }, select: { username: true } }),
          prisma.coachProfile.findUnique({ where: { userId: report.userId } }),
          prisma.coachDrill.findMany({ where: { userId: report.userId }, orderBy: { dueAt: 'asc' }, take: 10 })
        ])
        const pdf = (await deps.runTask({
          kind: 'report',
          input: {
            learner: profile?.displayName ?? user?.username ?? 'Learner',
            sessionDate: session.createdAt,
            part: session.part,
            topic: session.topic,
            targetBand: profile?.targetBand,
            overall: result.overall,
            criteria: result.criteria,
            errors: result.errors,
            pronunciation: result.pronunciation,
            summary: session.summary as unknown as FastSummary,
            drills: drills.map((d) => {
              const content = drillFor(d.errorType)
              return { title: content.title, instruction: content.instruction, dueAt: cardFromJson(d.card).due }
            })
          }
        })) as Uint8Array
        const key = `coach-reports/${report.userId}/${report.id}.pdf`
        await deps.storage.put(key, pdf, { contentType: 'application/pdf', contentLength: pdf.byteLength })
        // Observed before the report shows as completed, so whoever sees it completed sees it counted.
        deps.observe?.('report', (performance.now() - started) / 1000)
        await prisma.coachReport.update({ where: { id: reportId }, data: { status: 'completed', storageKey: key } })
      } catch (err) {
        await prisma.coachReport.update({ where: { id: reportId }, data: { status: 'failed', error: err instanceof Error ? err.message : String(err) } })
        throw err
      }
    },

    /** Waits (polling the row) until the report is completed or failed, or `ms` passed. */
    async settle(reportId: string, ms: number) {
      const deadline = Date.now() + ms
      for (;;) {
        const r = await prisma.coachReport.findUniqueOrThrow({ where: { id: reportId } })
        if (r.status === 'completed' || r.status === 'failed' || Date.now() >= deadline) return r
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },

    /** The stored PDF, for its owner, while its link has not expired. */
    async open(userId: string, reportId: string) {
      const report = await prisma.coachReport.findFirst({ where: { id: reportId, userId } })
      if (!report) throw reportNotFound()
      if (expiresAt(report) <= new Date()) throw new HttpError(410, 'report_expired', 'This report link has expired: generate the report again.')
      if (report.status === 'failed') throw new HttpError(409, 'report_failed', `The report could not be generated: ${report.error ?? 'unknown error'}.`)
      if (report.status !== 'completed' || !report.storageKey)
        throw new HttpError(409, 'report_not_ready', 'The report is still being generated: retry in a few seconds.')
      return deps.storage.stream(report.storageKey)
    }
  }
}

export type ReportService = ReturnType<typeof createReportService>
