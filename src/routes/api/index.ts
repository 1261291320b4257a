import type { FastifyPluginAsync } from 'fastify'
import { useErrorShape } from '../../plugins/app/errors.js'
import authRoutes from './auth/index.js'
import callRoutes from './calls/index.js'

/**
 * The call-transcription product's family. Its clients read `{success: false, error}`; `code` is
 * our stable addition. Under AUTH_MODE=required every route but register and login needs a token.
 */
const apiFamily: FastifyPluginAsync = async (fastify) => {
  useErrorShape(fastify, (e) => ({ success: false, error: e.message, code: e.code, ...(e.details !== undefined && { details: e.details }) }))
  fastify.addHook('onRequest', fastify.authenticate({ required: fastify.config.AUTH_MODE === 'required' }))

  await fastify.register(authRoutes, { prefix: '/auth' })
  await fastify.register(callRoutes, { prefix: '/calls' })
}

export default apiFamily
