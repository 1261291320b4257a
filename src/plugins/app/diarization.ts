import fp from 'fastify-plugin'
import { createBuiltinDiarizer, createSherpaDiarizer, type DiarizationEngine } from '../../diarization/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    diarization: DiarizationEngine
  }
}

/** Who spoke when: sherpa-onnx when its models are configured, the built-in method otherwise. */
export default fp<{ engine?: DiarizationEngine }>(
  async (fastify, opts) => {
    const { SHERPA_SEGMENTATION_MODEL, SHERPA_EMBEDDING_MODEL } = fastify.config
    const engine =
      opts.engine ??
      (SHERPA_SEGMENTATION_MODEL || SHERPA_EMBEDDING_MODEL
        ? createSherpaDiarizer({ segmentationModel: SHERPA_SEGMENTATION_MODEL, embeddingModel: SHERPA_EMBEDDING_MODEL })
        : createBuiltinDiarizer())
    fastify.decorate('diarization', engine)
    fastify.addHook('onClose', async () => engine.close())
    fastify.health.addCheck('diarization', async () => {
      const s = await engine.available()
      return { ok: s.ok, detail: { engine: engine.name }, ...(s.reason && { error: s.reason }) }
    })
  },
  { name: 'diarization', dependencies: ['config', 'health'] }
)
