import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { badRequest, HttpError } from '../../errors.js'
import type { ChatOutcome } from '../../practice/service.js'
import { security } from '../../schemas/common.js'
import { parseFields, readUpload } from '../multipart.js'
import { TextChatBodySchema, VoiceChatFieldsSchema } from '../../schemas/practice.js'

const errorRef = Type.Ref('PracticeError')
const errors = { 400: errorRef, 401: errorRef, 404: errorRef, 413: errorRef, 415: errorRef, 429: errorRef, 500: errorRef, 503: errorRef, 504: errorRef }

const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`

/** Stage times in the standard Server-Timing header, so a client (or curl -i) sees where the time went. */
function serverTiming(reply: FastifyReply, timings: Record<string, number>) {
  reply.header(
    'server-timing',
    Object.entries(timings)
      .map(([stage, ms]) => `${stage};dur=${ms}`)
      .join(', ')
  )
}

const chatRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { practice, config } = fastify

  async function counted<T>(route: 'text' | 'voice', work: () => Promise<T>): Promise<T> {
    try {
      const out = await work()
      practice.requests.inc({ route, outcome: 'ok' })
      return out
    } catch (err) {
      const status = err instanceof HttpError ? err.statusCode : 500
      practice.requests.inc({ route, outcome: status === 504 ? 'timeout' : status < 500 ? 'rejected' : 'failed' })
      throw err
    }
  }

  fastify.post(
    '/text-chat',
    {
      // The body is checked in the handler, so each mistake gets a message the app can show.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['practice'],
        operationId: 'practiceTextChat',
        summary: 'Reply to a typed sentence with one correction, a Hinglish explanation, a score and spoken audio',
        security: security.optionalBearer,
        body: TextChatBodySchema,
        response: { 200: Type.Ref('PracticeChatReply'), ...errors }
      }
    },
    async (request, reply) =>
      counted('text', async () => {
        const body = parseFields(TextChatBodySchema, (request.body ?? {}) as Record<string, unknown>)
        const who = { userId: body.user_id, accountId: request.user?.id ?? null }
        const out: ChatOutcome = await fastify.inflight.run((signal) => practice.service.textChat(who, body, { signal, origin: origin(request) }))
        serverTiming(reply, out.timings)
        return out.answer
      })
  )

  fastify.post(
    '/voice-chat',
    {
      preHandler: fastify.audioRateLimit,
      validatorCompiler: () => () => true,
      schema: {
        tags: ['practice'],
        operationId: 'practiceVoiceChat',
        summary: 'Reply to a spoken sentence: what we heard, one correction, a Hinglish explanation, a score and spoken audio',
        consumes: ['multipart/form-data'],
        security: security.optionalBearer,
        body: Type.Object({ audio_file: Type.String({ format: 'binary' }), ...VoiceChatFieldsSchema.properties }),
        response: { 200: Type.Ref('PracticeVoiceChatReply'), ...errors }
      }
    },
    async (request, reply) =>
      counted('voice', async () => {
        const upload = await readUpload(request, 'audio_file', config.MAX_UPLOAD_MB)
        const fields = parseFields(VoiceChatFieldsSchema, upload.fields)
        if (!upload.file) throw badRequest('No audio: send the recording in a multipart field named "audio_file".', 'missing_file')
        const audio = upload.file.buffer
        const who = { userId: fields.user_id, accountId: request.user?.id ?? null }
        const out = await fastify.inflight.run((signal) =>
          practice.service.voiceChat(who, { audio, conversation_id: fields.conversation_id }, { signal, origin: origin(request) })
        )
        serverTiming(reply, out.timings)
        return { ...out.answer, transcript: out.transcript }
      })
  )
}

export default chatRoutes
