import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { audit } from '../../audit.js'
import { CoachProfileSchema, ProfileUpdateSchema } from '../../schemas/coach.js'
import { envelopeErrors, ok, security } from '../../schemas/common.js'

const userRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { coach, db, log } = fastify

  fastify.get(
    '/me',
    {
      schema: {
        tags: ['coach'],
        operationId: 'coachGetMe',
        summary: 'Your coach profile: target band, sessions, latest overall band, streak and progress',
        security: security.bearer,
        response: { 200: ok(CoachProfileSchema), ...envelopeErrors }
      }
    },
    async (request) => ({ success: true as const, data: await coach.profiles.get(request.user!) })
  )

  fastify.patch(
    '/me',
    {
      schema: {
        tags: ['coach'],
        operationId: 'coachUpdateMe',
        summary: 'Update your target band, first language or display name',
        security: security.bearer,
        body: ProfileUpdateSchema,
        response: { 200: ok(CoachProfileSchema), ...envelopeErrors }
      }
    },
    async (request) => {
      await coach.profiles.update(request.user!.id, request.body)
      void audit(db.prisma, log, { action: 'coach.profile.update', userId: request.user!.id, ip: request.ip, details: { fields: Object.keys(request.body) } })
      return { success: true as const, data: await coach.profiles.get(request.user!) }
    }
  )
}

export default userRoutes
