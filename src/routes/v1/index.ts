import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { badRequest } from '../../errors.js'
import { parseFields, readUploadToDisk } from '../multipart.js'
import { useErrorShape } from '../../plugins/app/errors.js'
import { toSrt, toVerboseJson, toVtt } from '../../stt/formats.js'
import { isOpenAiModel } from '../../stt/service.js'
import { ModelListSchema, OpenAiErrorSchema, TranscriptionFormSchema, TranscriptionJsonSchema, TranscriptionVerboseSchema } from '../../schemas/openai.js'
import { security } from '../../schemas/common.js'
import speechRoute from './audio/speech.js'

const errorRef = Type.Ref('OpenAiError')

const { file: _file, ...textFields } = TranscriptionFormSchema.properties
const TranscriptionFieldsSchema = Type.Object(textFields)

/** OpenAI's SDKs send `timestamp_granularities[]`; readUpload collects it under the bare name. */
const parseForm = (fields: Record<string, string | string[]>) =>
  parseFields(TranscriptionFieldsSchema, {
    ...fields,
    ...(fields['timestamp_granularities'] !== undefined && { 'timestamp_granularities[]': fields['timestamp_granularities'] })
  })

const openAiErrorType = (status: number) =>
  status === 401 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error'

/**
 * OpenAI's protocol family, so existing OpenAI clients and SDKs work against voxlens unchanged:
 * OpenAI's error object, and OpenAI SDKs' placeholder keys ("sk-local") count as anonymous unless
 * AUTH_MODE=required.
 */
const openAiFamily: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addSchema(OpenAiErrorSchema)
  useErrorShape(fastify, (e) => ({ error: { message: e.message, type: openAiErrorType(e.statusCode), param: null, code: e.code } }))
  const required = fastify.config.AUTH_MODE === 'required'
  fastify.addHook('onRequest', fastify.authenticate({ required, foreignSecretsAreAnonymous: !required }))
  const { stt, config, metrics } = fastify

  async function transcribeUpload(request: FastifyRequest, dir: string) {
    const upload = await readUploadToDisk(request, 'file', config.MAX_UPLOAD_MB, dir)
    if (!upload.file) throw badRequest('No audio: send the recording in a multipart field named "file".', 'missing_file')
    const form = parseForm(upload.fields)
    const granularities = form['timestamp_granularities[]'] ?? []
    const wantWords = granularities.includes('word')
    const { path } = upload.file
    const file = await fastify.inflight.run((signal) =>
      stt.transcribeFile(
        { path },
        {
          // OpenAI clients send OpenAI's model names; those mean our default engine.
          engine: isOpenAiModel(form.model) ? undefined : form.model,
          language: form.language,
          prompt: form.prompt,
          wordTimestamps: wantWords,
          signal
        }
      )
    )
    return { file, form, granularities, wantWords }
  }

  fastify.post(
    '/audio/transcriptions',
    {
      preHandler: fastify.audioRateLimit,
      // The multipart body is read and validated in the handler; the schema documents it.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['openai'],
        operationId: 'createTranscription',
        summary: 'Transcribe audio (OpenAI-compatible)',
        description: 'Speaks the OpenAI `/v1/audio/transcriptions` protocol: the official SDKs work with baseURL pointed here.',
        consumes: ['multipart/form-data'],
        security: security.optionalBearer,
        body: TranscriptionFormSchema,
        response: {
          200: Type.Union([TranscriptionVerboseSchema, TranscriptionJsonSchema, Type.String()]),
          400: errorRef,
          401: errorRef,
          413: errorRef,
          429: errorRef,
          500: errorRef,
          503: errorRef
        }
      }
    },
    async (request, reply) => {
      // The recording goes to a file as it arrives and is decoded from there: memory never holds
      // the upload beside its decoded samples (58 MB for a 30-minute 16 kHz WAV).
      const dir = await mkdtemp(join(tmpdir(), 'voxlens-upload-'))
      const result = await transcribeUpload(request, dir).finally(() => rm(dir, { recursive: true, force: true }))
      const { transcript, engine, timings } = result.file
      const { form, granularities, wantWords } = result
      metrics.audioSeconds.inc({ engine }, transcript.duration)
      request.log.info(
        { engine, audio_seconds: transcript.duration, rtf: transcript.duration > 0 ? timings.stt / 1000 / transcript.duration : null, timings },
        'transcribed'
      )

      switch (form.response_format ?? 'json') {
        case 'text':
          return reply.type('text/plain; charset=utf-8').send(`${transcript.text}\n`)
        case 'srt':
          return reply.type('text/plain; charset=utf-8').send(toSrt(transcript))
        case 'vtt':
          return reply.type('text/vtt; charset=utf-8').send(toVtt(transcript))
        case 'verbose_json':
          return reply.send(toVerboseJson(transcript, { words: wantWords, segments: granularities.length === 0 || granularities.includes('segment') }))
        default:
          return reply.send({ text: transcript.text })
      }
    }
  )

  await fastify.register(speechRoute)

  fastify.get(
    '/models',
    {
      schema: {
        tags: ['openai'],
        operationId: 'listModels',
        summary: 'List speech engines as OpenAI models',
        security: security.optionalBearer,
        response: { 200: ModelListSchema, 401: errorRef }
      }
    },
    async () => {
      const status = await stt.status()
      const speech = await fastify.tts.engines()
      const model = (s: { name: string; available: boolean; default: boolean }, task: 'transcription' | 'speech') => ({
        id: s.name,
        object: 'model' as const,
        created: 0,
        owned_by: 'voxlens',
        available: s.available,
        default: s.default,
        task
      })
      return { object: 'list' as const, data: [...status.map((s) => model(s, 'transcription')), ...speech.map((s) => model(s, 'speech'))] }
    }
  )
}

export default openAiFamily
