import fp from 'fastify-plugin'
import { createBuiltinEmotion, createOnnxEmotion, type EmotionEngine } from '../../emotion/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    emotion: EmotionEngine
  }
}

/** Emotion and sentiment: an ONNX speech-emotion model when configured, the built-in cues otherwise. */
export default fp<{ engine?: EmotionEngine }>(
  async (fastify, opts) => {
    const path = fastify.config.EMOTION_MODEL_PATH
    const engine = opts.engine ?? (path ? createOnnxEmotion({ modelPath: path }) : createBuiltinEmotion())
    fastify.decorate('emotion', engine)
    fastify.addHook('onClose', async () => engine.close())
    fastify.health.addCheck('emotion', async () => {
      const s = await engine.available()
      return { ok: s.ok, detail: { engine: engine.name }, ...(s.reason && { error: s.reason }) }
    })
  },
  { name: 'emotion', dependencies: ['config', 'health'] }
)
