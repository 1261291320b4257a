import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HttpError } from '../../errors.js'
import { withStageLimit } from '../../practice/errors.js'
import { security } from '../../schemas/common.js'

const errorRef = Type.Ref('PracticeError')

/**
 * Loads every model the practice routes use (speech recognition, the grammar checker, speech
 * synthesis) so the learner who comes next does not wait for them.
 */
const modelRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { practice, stt, tts, config } = fastify

  fastify.post(
    '/init-models',
    {
      schema: {
        tags: ['practice'],
        operationId: 'practiceInitModels',
        summary: 'Load the speech, grammar and voice models now',
        description: `504 when loading takes longer than INIT_TIMEOUT_SECONDS (default 300).`,
        security: security.optionalBearer,
        response: { 200: Type.Ref('PracticeInitModels'), 401: errorRef, 500: errorRef, 504: errorRef }
      }
    },
    async () => {
      const loaded = await withStageLimit('init', config.INIT_TIMEOUT_SECONDS * 1000, undefined, async (signal) => {
        const [, voices] = await Promise.all([Promise.all([stt.warm(), practice.grammar.warm()]), tts.warm(signal)])
        return voices
      }).catch((err: unknown) => {
        if (err instanceof HttpError && err.statusCode === 504) {
          throw new HttpError(
            504,
            'init_timeout',
            `Loading the models took longer than ${config.INIT_TIMEOUT_SECONDS} s (INIT_TIMEOUT_SECONDS); please try again.`
          )
        }
        throw err
      })
      const engine = (await stt.status()).find((s) => s.default)!
      return {
        stt: { status: engine.available ? 'loaded' : 'unavailable', mode: engine.name },
        llm: { status: practice.chat ? ('loaded' as const) : ('builtin' as const) },
        tts: loaded
      }
    }
  )
}

export default modelRoutes
