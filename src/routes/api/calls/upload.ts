import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { audit } from '../../../audit.js'
import { audioErrors, describeNonAudio, detectAudio } from '../../../audio/index.js'
import { toCallView } from '../../../calls/view.js'
import { HttpError, badRequest } from '../../../errors.js'
import { parseFields, readUpload } from '../../multipart.js'
import { envelopeErrors, EnvelopeErrorRef, ok, security } from '../../../schemas/common.js'
import { CallOptionsSchema } from '../../../schemas/call-options.js'
import { assertWebhookUrl, webhookPolicy } from '../../../calls/webhook-address.js'
import { SHUTTING_DOWN } from '../../../plugins/app/inflight.js'

/** Visible ASCII, as Stripe and the IETF draft use; the schema documents it, the handler checks it. */
function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw badRequest('Idempotency-Key must be one value of 1 to 255 visible ASCII characters (a UUID is a good choice).', 'invalid_idempotency_key')
  }
  return header
}

/** POST /api/calls: upload a recording and get it back transcribed, diarized and analysed. */
const uploadRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config, calls } = fastify

  fastify.post(
    '',
    {
      preHandler: fastify.audioRateLimit,
      // The multipart body is read and validated in the handler; the schema documents it.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['calls'],
        operationId: 'createCall',
        summary: 'Upload a call recording and process it',
        description: 'Options may be sent as form fields or query parameters. With async=true the answer is 202 and progress shows on GET /api/calls/{id}.',
        consumes: ['multipart/form-data'],
        security: security.optionalBearer,
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 255,
              description:
                'Makes retries safe: the same key from the same account (or, without a token, from any anonymous caller) within 24 hours answers with the record the first request created (201 when done, 202 while queued or processing) instead of creating another; the same key with another file or other options is a 409.'
            })
          )
        }),
        body: Type.Object({ file: Type.String({ format: 'binary' }), ...Type.Partial(CallOptionsSchema).properties }),
        response: {
          201: ok(Type.Ref('CallRecord')),
          202: ok(Type.Ref('QueuedCall')),
          409: EnvelopeErrorRef,
          413: EnvelopeErrorRef,
          503: EnvelopeErrorRef,
          ...envelopeErrors
        }
      }
    },
    async (request, reply) => {
      const key = idempotencyKey(request.headers['idempotency-key'])
      const upload = await readUpload(request, 'file', config.MAX_UPLOAD_MB)
      const options = parseFields(CallOptionsSchema, { ...(request.query as object), ...upload.fields })
      // An engine this server cannot run is refused before anything is stored.
      fastify.stt.resolve(options.engine)
      if (options.webhook_url) await assertWebhookUrl(options.webhook_url, webhookPolicy(config))
      if (!upload.file) throw badRequest('No audio file: send the recording in a multipart field named "file".', 'missing_file')
      const bytes = upload.file.buffer
      // Cheap checks before anything is stored; deeper problems are found while decoding.
      if (bytes.length === 0) throw audioErrors.empty()
      if (!detectAudio(bytes)) throw audioErrors.notAudio(describeNonAudio(bytes))

      const ownerId = request.user?.id ?? null
      const earlier = key ? await calls.replay(ownerId, key, bytes, options) : null
      if (earlier) {
        reply.header('idempotent-replayed', 'true')
        if (earlier.status === 'completed' || earlier.status === 'failed') return reply.code(201).send({ success: true, data: toCallView(earlier) })
        return reply.code(202).send({ success: true, data: { id: earlier.id, status: 'queued' as const } })
      }
      const record = await calls.create({ ownerId, filename: upload.file.filename, bytes, options, idempotencyKey: key })
      void audit(fastify.db.prisma, request.log, { action: 'call.create', userId: ownerId, target: record.id, ip: request.ip })

      if (options.async) {
        await calls.enqueue(record.id, options)
        return reply.code(202).send({ success: true, data: { id: record.id, status: 'queued' as const } })
      }
      try {
        const done = await fastify.inflight.run((signal) => calls.process(record.id, options, undefined, signal))
        return reply.code(201).send({ success: true, data: toCallView(done) })
      } catch (err) {
        // The record keeps its failed state and reason; tell the caller where to find it.
        if (err instanceof HttpError && err.statusCode < 500) throw new HttpError(err.statusCode, err.code, err.message, { id: record.id })
        if (err instanceof HttpError && err.code === SHUTTING_DOWN) {
          throw new HttpError(503, err.code, `${err.message} Call record ${record.id} was marked failed with this reason; upload it again.`, { id: record.id })
        }
        throw err
      }
    }
  )
}

export default uploadRoute
