import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { audit } from '../../audit.js'
import { ratingFromQuality } from '../../coach/drills.js'
import { CompleteTaskSchema, TaskSchema, TasksQuerySchema } from '../../schemas/coach.js'
import { EnvelopeErrorRef, envelopeErrors, ok, security } from '../../schemas/common.js'

const TaskParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Training task (drill) id' }) })

const trainingRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { coach, db, log } = fastify

  fastify.get(
    '/tasks',
    {
      schema: {
        tags: ['coach'],
        operationId: 'coachListTasks',
        summary: 'Drills due now; with ?days=7 also the plan for the week',
        security: security.bearer,
        querystring: TasksQuerySchema,
        response: {
          200: ok(
            Type.Object({
              due: Type.Array(TaskSchema),
              plan: Type.Optional(Type.Array(Type.Object({ date: Type.String({ format: 'date' }), tasks: Type.Array(TaskSchema) })))
            })
          ),
          ...envelopeErrors
        }
      }
    },
    async (request) => {
      const userId = request.user!.id
      const days = request.query.days
      const [due, plan] = await Promise.all([coach.training.due(userId), days ? coach.training.plan(userId, days) : undefined])
      return { success: true as const, data: { due, ...(plan && { plan }) } }
    }
  )

  fastify.post(
    '/tasks/:id/complete',
    {
      schema: {
        tags: ['coach'],
        operationId: 'coachCompleteTask',
        summary: 'Record how a drill went; answers the drill with its next due date (FSRS)',
        security: security.bearer,
        params: TaskParams,
        body: CompleteTaskSchema,
        response: { 200: ok(TaskSchema), 404: EnvelopeErrorRef, ...envelopeErrors }
      }
    },
    async (request) => {
      const userId = request.user!.id
      const rating = 'rating' in request.body ? request.body.rating : ratingFromQuality(request.body.quality)
      const task = await coach.training.complete(userId, request.params.id, rating as 'again' | 'hard' | 'good' | 'easy')
      void audit(db.prisma, log, { action: 'coach.task.complete', userId, target: task.id, ip: request.ip, details: { rating, due_at: task.due_at } })
      return { success: true as const, data: task }
    }
  )
}

export default trainingRoutes
