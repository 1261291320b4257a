import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { audit } from '../../audit.js'
import { CreateSessionSchema, PageQuerySchema, SessionCreatedSchema, SessionSchema, SessionSummarySchema } from '../../schemas/coach.js'
import { EnvelopeErrorRef, envelopeErrors, ok, security } from '../../schemas/common.js'
import { coachRateLimit } from './limits.js'
import { sessionSummaryView, sessionView } from './view.js'

export const SessionParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Coach session id' }) })

const sessionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { coach, db, log } = fastify

  fastify.get(
    '',
    {
      schema: {
        tags: ['coach'],
        operationId: 'coachListSessions',
        summary: 'Your speaking sessions, newest first',
        security: security.bearer,
        querystring: PageQuerySchema,
        response: { 200: ok(Type.Array(SessionSummarySchema), { total: Type.Integer({ minimum: 0 }) }), ...envelopeErrors }
      }
    },
    async (request) => {
      const { items, total } = await coach.sessions.list(request.user!.id, request.query)
      return { success: true as const, data: items.map(sessionSummaryView), total }
    }
  )

  fastify.post(
    '',
    {
      preHandler: coachRateLimit(fastify, 'sessions'),
      schema: {
        tags: ['coach'],
        operationId: 'coachCreateSession',
        summary: 'Create a speaking session; hold it live over the WebSocket at ws_url',
        security: security.bearer,
        body: CreateSessionSchema,
        response: { 201: ok(SessionCreatedSchema), ...envelopeErrors }
      }
    },
    async (request, reply) => {
      const session = await coach.sessions.create(request.user!.id, request.body)
      void audit(db.prisma, log, {
        action: 'coach.session.create',
        userId: request.user!.id,
        target: session.id,
        ip: request.ip,
        details: { part: session.part }
      })
      return reply.code(201).send({ success: true, data: { id: session.id, status: 'created' as const, ws_url: `/ws/${session.id}` } })
    }
  )

  fastify.get(
    '/:id',
    {
      schema: {
        tags: ['coach'],
        operationId: 'coachGetSession',
        summary: 'A session: status, the examiner questions and your answers with word times, durations',
        security: security.bearer,
        params: SessionParams,
        response: { 200: ok(SessionSchema), 404: EnvelopeErrorRef, ...envelopeErrors }
      }
    },
    async (request) => {
      const { session, turns } = await coach.sessions.get(request.user!.id, request.params.id)
      return { success: true as const, data: sessionView(session, turns) }
    }
  )
}

export default sessionRoutes
