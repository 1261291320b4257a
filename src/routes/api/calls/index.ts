import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { audit } from '../../../audit.js'
import { Done, EnvelopeErrorRef, envelopeErrors, ok, security } from '../../../schemas/common.js'
import { ListCallsQuerySchema } from '../../../schemas/calls.js'
import { callAnalytics, getOwnedCall, listCalls, setUserTags } from '../../../calls/store.js'
import { toCallSummary, toCallView } from '../../../calls/view.js'
import uploadRoute from './upload.js'

const IdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Call record id' }) })
const one = ok(Type.Ref('CallRecord'))
const withNotFound = { 404: EnvelopeErrorRef, ...envelopeErrors }
const listTotal = { total: Type.Integer({ minimum: 0, description: 'Matching records, all pages' }) }
/**
 * A page of summaries, the default. The documented 200 is a union of summaries and whole records,
 * which fast-json-stringify serialises by validating every item against the union's branches; a
 * summary page is written with this schema's own serializer instead. (Spread into a plain object:
 * Fastify types serialization schemas as string-keyed records, which TypeBox's interfaces are not.)
 */
const SummaryPage = { ...ok(Type.Array(Type.Ref('CallSummary')), listTotal) }

/** If-None-Match names this version of the page (a list of tags, weak or strong, or `*`). */
const matches = (header: string | undefined, etag: string) =>
  header !== undefined &&
  header.split(',').some((t) => {
    const tag = t.trim()
    return tag === '*' || tag === etag || tag === `W/${etag}`
  })

/** The call-transcription product's records API. */
const callRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { prisma } = fastify.db
  const owner = (request: { user: { id: string } | null }) => request.user?.id ?? null

  await fastify.register(uploadRoute)

  fastify.get(
    '',
    {
      schema: {
        tags: ['calls'],
        operationId: 'listCalls',
        summary: 'List your call records, newest first',
        description: 'Items are CallSummary records (a transcript preview, no words or utterances); `view=full` lists whole CallRecords.',
        security: security.optionalBearer,
        querystring: ListCallsQuerySchema,
        response: {
          200: ok(Type.Array(Type.Union([Type.Ref('CallSummary'), Type.Ref('CallRecord')])), listTotal),
          304: Type.Null({ description: 'Not modified: the If-None-Match header names the current page (each 200 carries an ETag)' }),
          503: EnvelopeErrorRef,
          ...envelopeErrors
        }
      }
    },
    async (request, reply) => {
      const ownerId = owner(request)
      const page = await fastify.callListCache.page(ownerId, request.query, async () => {
        const found = await listCalls(prisma, ownerId, request.query)
        if (found.view === 'full') return String(reply.serialize({ success: true as const, data: found.data.map(toCallView), total: found.total }))
        return reply.compileSerializationSchema(SummaryPage, '200')({ success: true as const, data: found.data.map(toCallSummary), total: found.total })
      })
      // Each caller sees their own list: browsers may keep it, shared caches may not, and both ask again.
      reply.header('etag', page.etag).header('cache-control', 'private, no-cache')
      if (matches(request.headers['if-none-match'], page.etag)) return reply.code(304).send(null)
      return reply.type('application/json; charset=utf-8').send(page.body)
    }
  )

  fastify.get(
    '/analytics',
    {
      schema: {
        tags: ['calls'],
        operationId: 'callAnalytics',
        summary: 'Tag statistics over your call records',
        security: security.optionalBearer,
        response: {
          200: ok(
            Type.Object({
              total_calls: Type.Integer(),
              total_tags: Type.Integer(),
              average_tags_per_call: Type.Number(),
              calls_with_transcript: Type.Integer(),
              calls_without_transcript: Type.Integer(),
              tag_distribution: Type.Record(Type.String(), Type.Integer())
            })
          ),
          ...envelopeErrors
        }
      }
    },
    async (request) => ({ success: true as const, data: await callAnalytics(prisma, owner(request)) })
  )

  fastify.get(
    '/:id',
    {
      schema: {
        tags: ['calls'],
        operationId: 'getCall',
        summary: 'One call record, with progress while it is processed',
        security: security.optionalBearer,
        params: IdParams,
        response: { 200: one, ...withNotFound }
      }
    },
    async (request) => ({ success: true as const, data: toCallView(await getOwnedCall(prisma, owner(request), request.params.id)) })
  )

  fastify.put(
    '/:id/tags',
    {
      schema: {
        tags: ['calls'],
        operationId: 'setCallTags',
        summary: "Override the AI's tags with your own",
        security: security.optionalBearer,
        params: IdParams,
        body: Type.Object({ tags: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 }) }),
        response: { 200: one, ...withNotFound }
      }
    },
    async (request) => {
      const record = await setUserTags(prisma, owner(request), request.params.id, request.body.tags)
      void audit(prisma, request.log, { action: 'call.tags', userId: owner(request), target: record.id, ip: request.ip, details: { tags: record.userTags } })
      return { success: true as const, data: toCallView(record) }
    }
  )

  fastify.get(
    '/:id/export',
    {
      schema: {
        tags: ['calls'],
        operationId: 'exportCall',
        summary: 'Download a call record as a JSON file',
        security: security.optionalBearer,
        params: IdParams,
        response: { 200: Type.Ref('CallRecord'), ...withNotFound }
      }
    },
    async (request, reply) => {
      const record = await getOwnedCall(prisma, owner(request), request.params.id)
      return reply.header('content-disposition', `attachment; filename="call-${record.id}.json"`).send(toCallView(record))
    }
  )

  fastify.delete(
    '/:id',
    {
      schema: {
        tags: ['calls'],
        operationId: 'deleteCall',
        summary: 'Delete a call record and its stored audio',
        security: security.optionalBearer,
        params: IdParams,
        response: { 200: Done, ...withNotFound }
      }
    },
    async (request) => {
      await fastify.calls.remove(owner(request), request.params.id)
      void audit(prisma, request.log, { action: 'call.delete', userId: owner(request), target: request.params.id, ip: request.ip })
      return { success: true as const }
    }
  )
}

export default callRoutes
