import { createHash } from 'node:crypto'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { preParsingAsyncHookHandler } from 'fastify'
import { badRequest } from '../../errors.js'
import { parseFields } from '../multipart.js'
import { security } from '../../schemas/common.js'
import { engineForModel } from '../../stt/model-name.js'
import { ListenQuerySchema, ListenResponseSchema } from '../../deepgram/schema.js'
import { engineLanguage, toListenResponse } from '../../deepgram/prerecorded.js'

const errorRef = Type.Ref('DeepgramError')
const AUDIO_TYPES = /^(?:application\/octet-stream|audio\/[\w.+-]+|video\/[\w.+-]+)(?:;|$)/

/** Deepgram pre-recorded transcription: the recording is the request body, options are query parameters. */
const prerecordedRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  const { calls, config, stt } = fastify
  fastify.addSchema(ListenResponseSchema)
  fastify.addContentTypeParser(AUDIO_TYPES, { parseAs: 'buffer', bodyLimit: config.MAX_UPLOAD_MB * 1024 * 1024 }, (_request, body, done) => done(null, body))

  // Limits apply before the body is read, so a refused client does not upload its recording first.
  const limit: preParsingAsyncHookHandler = async function (request, reply, payload) {
    await fastify.audioRateLimit.call(this, request, reply)
    return payload
  }

  fastify.post(
    '',
    {
      preParsing: limit,
      // Query strings are converted and checked by parseFields (its messages name the parameter); the body is raw audio.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['deepgram'],
        operationId: 'deepgramListen',
        summary: 'Transcribe a recording (Deepgram-compatible)',
        description:
          "Speaks Deepgram's pre-recorded `/v1/listen` protocol: send the audio (any format voxlens decodes) as the request body. A JSON body naming a `url` is refused: voxlens does not fetch remote audio.",
        consumes: ['application/octet-stream', 'audio/*'],
        security: security.optionalBearer,
        querystring: ListenQuerySchema,
        body: Type.String({ format: 'binary' }),
        response: {
          200: Type.Ref('DeepgramListenResponse'),
          400: errorRef,
          401: errorRef,
          413: errorRef,
          415: errorRef,
          429: errorRef,
          500: errorRef,
          503: errorRef
        }
      }
    },
    async (request) => {
      const query = parseFields(ListenQuerySchema, request.query as Record<string, unknown>)
      const body = request.body as unknown
      if (!Buffer.isBuffer(body)) {
        if (body && typeof body === 'object' && 'url' in body) {
          throw badRequest(
            'voxlens does not fetch audio from URLs: send the recording itself as the request body (Content-Type: audio/* or application/octet-stream).',
            'remote_audio_unsupported'
          )
        }
        throw badRequest('No audio: send the recording as the request body with Content-Type audio/* or application/octet-stream.', 'missing_audio')
      }
      const result = await fastify.inflight.run((signal) =>
        calls.analyzeAudio(body, {
          engine: engineForModel(stt, query.model),
          language: engineLanguage(query.language),
          diarize: Boolean(query.diarize),
          emotion: Boolean(query.sentiment),
          analyze: false,
          signal
        })
      )
      return toListenResponse(result, query, { requestId: request.id, sha256: createHash('sha256').update(body).digest('hex') })
    }
  )
}

export default prerecordedRoute
