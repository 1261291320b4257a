import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { audit } from '../../../audit.js'
import { Done, EnvelopeErrorRef, envelopeErrors, ok, security } from '../../../schemas/common.js'
import { LoginBodySchema, RegisterBodySchema } from '../../../schemas/auth.js'
import apiKeys from './keys.js'

/** The call-transcription product's auth contract. */
const authRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { auth, db, log } = fastify

  fastify.post(
    '/register',
    {
      config: { public: true },
      preHandler: fastify.authRateLimit,
      schema: {
        tags: ['auth'],
        operationId: 'register',
        summary: 'Create an account',
        security: security.none,
        body: RegisterBodySchema,
        response: { 201: ok(Type.Ref('RegisteredUser')), 409: EnvelopeErrorRef, ...envelopeErrors }
      }
    },
    async (request, reply) => {
      const user = await auth.register(request.body)
      void audit(db.prisma, log, { action: 'user.register', userId: user.id, ip: request.ip })
      return reply.code(201).send({ success: true, data: { user_id: user.id, username: user.username, email: user.email } })
    }
  )

  fastify.post(
    '/login',
    {
      config: { public: true },
      preHandler: fastify.authRateLimit,
      schema: {
        tags: ['auth'],
        operationId: 'login',
        summary: 'Exchange username and password for a session token',
        security: security.none,
        body: LoginBodySchema,
        response: { 200: ok(Type.Ref('Session')), ...envelopeErrors }
      }
    },
    async (request, reply) => {
      const session = await fastify.loginLockout(request, reply, () => auth.login(request.body))
      void audit(db.prisma, log, { action: 'user.login', userId: session.user.id, ip: request.ip })
      return {
        success: true as const,
        data: {
          token: session.token,
          user_id: session.user.id,
          username: session.user.username,
          email: session.user.email,
          expires_at: session.expiresAt.toISOString()
        }
      }
    }
  )

  fastify.post(
    '/logout',
    {
      preHandler: fastify.requireUser,
      schema: {
        tags: ['auth'],
        operationId: 'logout',
        summary: 'Revoke the session token used for this request',
        security: security.bearer,
        response: { 200: Done, ...envelopeErrors }
      }
    },
    async (request) => {
      await auth.logout(request.user!)
      void audit(db.prisma, log, { action: 'user.logout', userId: request.user!.id, ip: request.ip })
      return { success: true as const }
    }
  )

  fastify.get(
    '/me',
    {
      preHandler: fastify.requireUser,
      schema: {
        tags: ['auth'],
        operationId: 'currentUser',
        summary: 'The account behind the bearer token',
        security: security.bearer,
        response: { 200: ok(Type.Ref('RegisteredUser')), ...envelopeErrors }
      }
    },
    async (request) => {
      const { id, username, email } = request.user!
      return { success: true as const, data: { user_id: id, username, email } }
    }
  )

  await fastify.register(apiKeys, { prefix: '/keys' })
}

export default authRoutes
