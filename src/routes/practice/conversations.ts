import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { security } from '../../schemas/common.js'
import { parseFields } from '../multipart.js'
import { UsageQuerySchema, UserQuerySchema } from '../../schemas/practice.js'

const errorRef = Type.Ref('PracticeError')
const errors = { 400: errorRef, 401: errorRef, 404: errorRef, 500: errorRef, 503: errorRef }
const LIST_LIMIT = 100
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

const requester = (request: FastifyRequest, userId: string) => ({ userId, accountId: request.user?.id ?? null })

/** A learner's history (conversations with their corrections and scores) and daily usage. */
const conversationRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { practice, storage } = fastify
  const query = (request: FastifyRequest) => parseFields(UserQuerySchema, (request.query ?? {}) as Record<string, unknown>)
  // Stored keys, not URLs: a presigned URL expires, so each read signs afresh.
  const audioUrl = async (request: FastifyRequest, key: string | null) =>
    key ? ((await storage.url(key)) ?? `${request.protocol}://${request.host}/audio/${key.split('/').pop()}`) : null

  fastify.get(
    '/conversations',
    {
      validatorCompiler: () => () => true,
      schema: {
        tags: ['practice'],
        operationId: 'practiceListConversations',
        summary: "A learner's conversations, most recent first",
        security: security.optionalBearer,
        querystring: UserQuerySchema,
        response: { 200: Type.Object({ conversations: Type.Array(Type.Ref('PracticeConversationSummary')) }), ...errors }
      }
    },
    async (request) => {
      const { user_id } = query(request)
      const rows = await practice.store.list(requester(request, user_id), LIST_LIMIT)
      return {
        conversations: rows.map((c) => ({
          conversation_id: c.id,
          user_id: c.userId,
          created_at: c.createdAt.toISOString(),
          updated_at: c.updatedAt.toISOString(),
          message_count: c.messageCount,
          last_message: c.last
        }))
      }
    }
  )

  fastify.get(
    '/conversations/:id',
    {
      validatorCompiler: ({ httpPart }) => (httpPart === 'params' ? (v: unknown) => ({ value: v }) : () => true),
      schema: {
        tags: ['practice'],
        operationId: 'practiceGetConversation',
        summary: 'One conversation with every message, its correction and score',
        security: security.optionalBearer,
        params: IdParams,
        querystring: UserQuerySchema,
        response: { 200: Type.Ref('PracticeConversation'), ...errors }
      }
    },
    async (request) => {
      const { user_id } = query(request)
      const conv = await practice.store.get(request.params.id, requester(request, user_id))
      return {
        conversation_id: conv.id,
        user_id: conv.userId,
        created_at: conv.createdAt.toISOString(),
        updated_at: conv.updatedAt.toISOString(),
        messages: await Promise.all(
          conv.messages.map(async (m) => ({
            role: m.role === 'assistant' ? ('assistant' as const) : ('user' as const),
            text: m.text,
            transcript: m.transcript,
            correction: m.correction,
            hinglish_explanation: m.explanation,
            score: m.score,
            audio_url: await audioUrl(request, m.audioKey),
            created_at: m.createdAt.toISOString()
          }))
        )
      }
    }
  )

  fastify.delete(
    '/conversations/:id',
    {
      validatorCompiler: ({ httpPart }) => (httpPart === 'params' ? (v: unknown) => ({ value: v }) : () => true),
      schema: {
        tags: ['practice'],
        operationId: 'practiceDeleteConversation',
        summary: 'Delete a conversation and its messages',
        description: 'Reply audio is shared by every identical reply, so it stays in storage.',
        security: security.optionalBearer,
        params: IdParams,
        querystring: UserQuerySchema,
        response: { 204: Type.Null(), ...errors }
      }
    },
    async (request, reply) => {
      const { user_id } = query(request)
      await practice.store.remove(request.params.id, requester(request, user_id))
      return reply.code(204).send(null)
    }
  )

  fastify.get(
    '/usage',
    {
      validatorCompiler: () => () => true,
      schema: {
        tags: ['practice'],
        operationId: 'practiceUsage',
        summary: 'Messages, seconds of speech and average score per UTC day',
        security: security.optionalBearer,
        querystring: UsageQuerySchema,
        response: { 200: Type.Ref('PracticeUsage'), ...errors }
      }
    },
    async (request) => {
      const { user_id, days } = parseFields(UsageQuerySchema, (request.query ?? {}) as Record<string, unknown>)
      return { user_id, days: await practice.store.usage(user_id, days) }
    }
  )
}

export default conversationRoutes
