import type { FastifyPluginAsync } from 'fastify'
import { useErrorShape } from '../../plugins/app/errors.js'
import analyzeRoute from './analyze.js'
import repliesRoute from './replies.js'
import { AnalyticsErrorSchema, type AnalyticsError } from '../../schemas/analytics.js'

/**
 * The voice-analytics product's family: its clients read `{error: "ValidationError", message,
 * details}` for every refusal. Under AUTH_MODE=required it needs a token like every route that processes audio; a token that is sent must
 * always be valid.
 */
const audioFamily: FastifyPluginAsync = async (fastify) => {
  fastify.addSchema(AnalyticsErrorSchema)
  useErrorShape(fastify, (e): AnalyticsError => ({
    error: e.statusCode < 500 ? 'ValidationError' : 'InternalError',
    message: e.message,
    details: { code: e.code, ...(e.details !== undefined && { info: e.details }) }
  }))
  fastify.addHook('onRequest', fastify.authenticate({ required: fastify.config.AUTH_MODE === 'required' }))

  await fastify.register(analyzeRoute)
  await fastify.register(repliesRoute)
}

export default audioFamily
