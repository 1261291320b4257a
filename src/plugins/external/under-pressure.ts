import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { HttpError } from '../../errors.js'

/** Sheds load with a 503 instead of queueing requests behind a stalled event loop. */
export default fp(
  async (fastify) => {
    await fastify.register(underPressure, {
      maxEventLoopDelay: 2_000,
      retryAfter: 10,
      pressureHandler: (_req, _reply, type, value) => {
        throw new HttpError(503, 'overloaded', `The server is overloaded (${type} = ${value}); retry in a few seconds.`)
      }
    })
  },
  { name: 'under-pressure' }
)
