import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { badRequest } from '../../errors.js'
import { readUpload } from '../multipart.js'
import { useErrorShape } from '../../plugins/app/errors.js'
import { security } from '../../schemas/common.js'

const INPUT_WORDS = 100
const PlainError = Type.Object({ error: Type.String() })

/**
 * The politeness product's family: speech in, the first 100 words rewritten politely out, and
 * `{error}` for every refusal. Stateless: the upload is only ever held in memory and dropped when
 * the request ends. Under AUTH_MODE=required it needs a token like every route that processes audio; a token that is sent must
 * always be valid.
 */
const uploadFamily: FastifyPluginAsyncTypebox = async (fastify) => {
  useErrorShape(fastify, (e) => ({ error: e.message }))
  fastify.addHook('onRequest', fastify.authenticate({ required: fastify.config.AUTH_MODE === 'required' }))
  const { stt, analysis, config } = fastify

  fastify.post(
    '',
    {
      preHandler: fastify.audioRateLimit,
      validatorCompiler: () => () => true,
      schema: {
        tags: ['refine'],
        operationId: 'refineSpeech',
        summary: 'Transcribe speech and rewrite it politely and clearly',
        consumes: ['multipart/form-data'],
        security: security.optionalBearer,
        body: Type.Object({ audio: Type.String({ format: 'binary' }) }),
        response: {
          200: Type.Object({
            input: Type.String({ description: 'The transcript, truncated to its first 100 words' }),
            output: Type.String({ description: 'The same text, rewritten politely' })
          }),
          400: PlainError,
          413: PlainError,
          429: PlainError,
          500: PlainError,
          503: PlainError
        }
      }
    },
    async (request) => {
      const upload = await readUpload(request, 'audio', config.MAX_UPLOAD_MB)
      if (!upload.file) throw badRequest('No audio: send the recording in a multipart field named "audio".', 'missing_file')
      const audio = upload.file.buffer
      // Aborted a little before the shutdown deadline, so the client gets a 503 instead of a closed socket.
      const { transcript } = await fastify.inflight.run((signal) => stt.transcribeFile(audio, { wordTimestamps: false, signal }))
      const input = transcript.text.split(/\s+/).filter(Boolean).slice(0, INPUT_WORDS).join(' ')
      if (!input) return { input: '', output: '' }
      const { output } = await analysis.refine(input)
      return { input, output }
    }
  )
}

export default uploadFamily
