import type { FastifyPluginAsync } from 'fastify'
import { useErrorShape } from '../../plugins/app/errors.js'
import analyzeRoute from './analyze.js'

/**
 * The voice-analytics product's family: its clients read `{error: "ValidationError", message,
 * details}` for every refusal. No account is needed; a token that is sent must be valid.
 */
const audioFamily: FastifyPluginAsync = async (fastify) => {
  useErrorShape(fastify, (e) => ({
    error: e.statusCode < 500 ? 'ValidationError' : 'InternalError',
    message: e.message,
    details: { code: e.code, ...(e.details !== undefined && { info: e.details }) }
  }))
  fastify.addHook('onRequest', fastify.authenticate({ required: false }))

  await fastify.register(analyzeRoute)
}

export default audioFamily
