import type { FastifyPluginAsync } from 'fastify'
import { useErrorShape } from '../../plugins/app/errors.js'
import analysisRoutes from './analysis.js'
import sessionRoutes from './sessions.js'
import trainingRoutes from './training.js'
import userRoutes from './users.js'

/**
 * The speaking coach's family at /api/v1: the `{success, data}` envelope of /api, and every route
 * needs a signed-in user (voxlens token, API key, or a JWT when JWT_SECRET is set), whatever AUTH_MODE says.
 */
const coachFamily: FastifyPluginAsync = async (fastify) => {
  useErrorShape(fastify, (e) => ({ success: false, error: e.message, code: e.code, ...(e.details !== undefined && { details: e.details }) }))
  fastify.addHook('onRequest', fastify.authenticate({ required: true }))

  await fastify.register(userRoutes, { prefix: '/users' })
  await fastify.register(sessionRoutes, { prefix: '/sessions' })
  await fastify.register(analysisRoutes, { prefix: '/analysis' })
  await fastify.register(trainingRoutes, { prefix: '/training' })
}

export default coachFamily
