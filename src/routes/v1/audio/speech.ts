import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { badRequest } from '../../../errors.js'
import { security } from '../../../schemas/common.js'
import { CONTENT_TYPES, MAX_INPUT_CHARS, SPEECH_FORMATS } from '../../../tts/index.js'

const SpeechRequestSchema = Type.Object({
  model: Type.String({
    minLength: 1,
    description:
      'A speech engine (flite, espeak-ng, openai, gemini, groq; see GET /v1/models), or an OpenAI model name (tts-1, tts-1-hd, gpt-4o-mini-tts) for the default engine'
  }),
  input: Type.String({ minLength: 1, maxLength: MAX_INPUT_CHARS, description: 'The text to speak' }),
  voice: Type.String({ minLength: 1, description: "The engine's own voice (flite: slt, rms, awb, kal) or an OpenAI voice (alloy, echo, nova, ...)" }),
  instructions: Type.Optional(Type.String({ maxLength: MAX_INPUT_CHARS, description: 'Style hints; used by the openai and gemini engines' })),
  response_format: Type.Optional(Type.Enum(SPEECH_FORMATS, { default: 'mp3', description: 'pcm is raw 16-bit little-endian, 24 kHz mono' })),
  speed: Type.Optional(Type.Number({ minimum: 0.25, maximum: 4, default: 1 })),
  stream_format: Type.Optional(Type.Enum(['audio', 'sse'], { description: 'Only `audio` is supported' }))
})

const errorRef = Type.Ref('OpenAiError')
const binary = Type.String({ format: 'binary' })

/** OpenAI's `POST /v1/audio/speech`: JSON in, the audio bytes out, served by the same TTS plugin as every spoken reply. */
const speechRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/audio/speech',
    {
      preHandler: fastify.audioRateLimit,
      schema: {
        tags: ['openai'],
        operationId: 'createSpeech',
        summary: 'Speak text (OpenAI-compatible)',
        description:
          'Speaks the OpenAI `/v1/audio/speech` protocol: the official SDKs work with baseURL pointed here. The same text, engine, voice, speed and format are synthesised once and then served from storage.',
        security: security.optionalBearer,
        body: SpeechRequestSchema,
        response: {
          200: {
            description: 'The audio, 24 kHz mono',
            content: Object.fromEntries(Object.values(CONTENT_TYPES).map((type) => [type, { schema: binary }]))
          },
          400: errorRef,
          401: errorRef,
          429: errorRef,
          500: errorRef,
          502: errorRef,
          503: errorRef,
          504: errorRef
        }
      }
    },
    async (request, reply) => {
      const body = request.body
      if (body.stream_format === 'sse') throw badRequest('stream_format "sse" is not supported here: use "audio" (the default).', 'unsupported_stream_format')
      const speech = await fastify.inflight.run((signal) =>
        fastify.tts.synthesize({
          text: body.input,
          engine: body.model,
          voice: body.voice,
          speed: body.speed,
          format: body.response_format ?? 'mp3',
          instructions: body.instructions,
          signal
        })
      )
      request.log.info({ engine: speech.engine, voice: speech.voice, cached: speech.cached, seconds: speech.duration }, 'spoke')
      return reply
        .type(speech.contentType)
        .header('x-voxlens-engine', speech.engine)
        .header('x-voxlens-voice', speech.voice)
        .header('x-voxlens-duration', String(speech.duration))
        .send(speech.audio)
    }
  )
}

export default speechRoute
