import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { envelopeErrors } from '../../../schemas/common.js'
import { ListCallsQuerySchema } from '../../../schemas/calls.js'
import { listCalls } from '../../../calls/store.js'
import { toCallView } from '../../../calls/view.js'

/** The call-transcription product's records API. */
const callRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('', {
    schema: {
      tags: ['calls'],
      operationId: 'listCalls',
      summary: 'List your call records, newest first',
      security: [{ bearer: [] }, {}],
      querystring: ListCallsQuerySchema,
      response: {
        200: Type.Object({ success: Type.Literal(true), data: Type.Array(Type.Ref('CallRecord')), total: Type.Integer() }),
        ...envelopeErrors
      }
    }
  }, async (request) => {
    const { data, total } = await listCalls(fastify.db.prisma, request.user?.id ?? null, request.query)
    return { success: true as const, data: data.map(toCallView), total }
  })
}

export default callRoutes
