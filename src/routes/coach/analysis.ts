import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { audit } from '../../audit.js'
import { AnalysisViewSchema, ReportLinkSchema } from '../../schemas/coach.js'
import { EnvelopeErrorRef, envelopeErrors, ok, security } from '../../schemas/common.js'
import { coachRateLimit } from './limits.js'
import { SessionParams } from './sessions.js'
import { analysisView } from './view.js'

const ReportParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Report id' }) })

/** How long POST .../pdf waits for the report job before answering 202 with the link to poll. */
const REPORT_WAIT_MS = 20_000

const analysisRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { coach, db, log } = fastify

  fastify.get(
    '/sessions/:id',
    {
      schema: {
        tags: ['coach'],
        operationId: 'coachGetAnalysis',
        summary: "A session's fast summary and deep analysis (bands with evidence, errors, pronunciation), each with its phase status",
        security: security.bearer,
        params: SessionParams,
        response: { 200: ok(AnalysisViewSchema), 404: EnvelopeErrorRef, ...envelopeErrors }
      }
    },
    async (request) => {
      const session = await coach.analysis.get(request.user!.id, request.params.id)
      return { success: true as const, data: analysisView(session, session.analysis) }
    }
  )

  fastify.post(
    '/sessions/:id/pdf',
    {
      preHandler: coachRateLimit(fastify, 'pdf'),
      schema: {
        tags: ['coach'],
        operationId: 'coachCreateReport',
        summary: 'Generate the PDF report of an analysed session',
        description: `201 once the PDF is ready (within ${REPORT_WAIT_MS / 1000} s), else 202: GET the url until it answers 200 with application/pdf.`,
        security: security.bearer,
        params: SessionParams,
        response: { 201: ok(ReportLinkSchema), 202: ok(ReportLinkSchema), 404: EnvelopeErrorRef, 409: EnvelopeErrorRef, ...envelopeErrors }
      }
    },
    async (request, reply) => {
      const userId = request.user!.id
      await coach.analysis.completed(userId, request.params.id)
      const queued = await coach.reports.request(userId, request.params.id)
      void audit(db.prisma, log, { action: 'coach.report', userId, target: queued.id, ip: request.ip, details: { session_id: request.params.id } })
      const report = await coach.reports.settle(queued.id, REPORT_WAIT_MS)
      const data = {
        id: report.id,
        status: report.status as 'queued' | 'completed' | 'failed',
        url: `${request.protocol}://${request.host}/api/v1/analysis/reports/${report.id}`,
        expires_at: coach.reports.expiresAt(report).toISOString()
      }
      return reply.code(report.status === 'completed' ? 201 : 202).send({ success: true, data })
    }
  )

  fastify.get(
    '/reports/:id',
    {
      schema: {
        tags: ['coach'],
        operationId: 'coachGetReport',
        summary: 'The PDF report (application/pdf) while its link has not expired',
        security: security.bearer,
        params: ReportParams,
        produces: ['application/pdf'],
        response: {
          200: Type.String({ contentMediaType: 'application/pdf', description: 'The PDF' }),
          404: EnvelopeErrorRef,
          409: EnvelopeErrorRef,
          410: EnvelopeErrorRef,
          ...envelopeErrors
        }
      }
    },
    async (request, reply) => {
      const pdf = await coach.reports.open(request.user!.id, request.params.id)
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="ielts-report-${request.params.id}.pdf"`).send(pdf)
    }
  )
}

export default analysisRoutes
