import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { audit } from '../../../audit.js'
import { Done, EnvelopeErrorRef, envelopeErrors, ok, security } from '../../../schemas/common.js'
import { NewApiKeyBodySchema } from '../../../schemas/auth.js'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** API keys: long-lived bearer credentials for programs, managed by a signed-in user. */
const apiKeyRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { auth, db, log } = fastify
  fastify.addHook('preHandler', fastify.requireUser)

  fastify.post(
    '',
    {
      schema: {
        tags: ['auth'],
        operationId: 'createApiKey',
        summary: 'Create an API key (the secret is shown once)',
        security: security.bearer,
        body: NewApiKeyBodySchema,
        response: { 201: ok(Type.Ref('CreatedApiKey')), ...envelopeErrors }
      }
    },
    async (request, reply) => {
      const { key, record } = await auth.createApiKey(request.user!.id, { name: request.body.name, expiresInDays: request.body.expires_in_days })
      void audit(db.prisma, log, { action: 'api_key.create', userId: request.user!.id, target: record.id, ip: request.ip })
      return reply.code(201).send({
        success: true,
        data: { id: record.id, name: record.name, prefix: record.prefix, key, created_at: record.createdAt.toISOString(), expires_at: iso(record.expiresAt) }
      })
    }
  )

  fastify.get(
    '',
    {
      schema: {
        tags: ['auth'],
        operationId: 'listApiKeys',
        summary: 'List your API keys, without their secrets',
        security: security.bearer,
        response: { 200: ok(Type.Array(Type.Ref('ApiKey'))), ...envelopeErrors }
      }
    },
    async (request) => {
      const keys = await auth.listApiKeys(request.user!.id)
      return {
        success: true as const,
        data: keys.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          created_at: k.createdAt.toISOString(),
          expires_at: iso(k.expiresAt),
          revoked_at: iso(k.revokedAt),
          last_used_at: iso(k.lastUsedAt)
        }))
      }
    }
  )

  fastify.delete(
    '/:id',
    {
      schema: {
        tags: ['auth'],
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key; it stops working at once',
        security: security.bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Done, 404: EnvelopeErrorRef, ...envelopeErrors }
      }
    },
    async (request) => {
      await auth.revokeApiKey(request.user!.id, request.params.id)
      void audit(db.prisma, log, { action: 'api_key.revoke', userId: request.user!.id, target: request.params.id, ip: request.ip })
      return { success: true as const }
    }
  )
}

export default apiKeyRoutes
