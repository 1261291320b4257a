import fp from 'fastify-plugin'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config.js'
import { createSpeechService, type SpeechService } from '../../stt/service.js'
import { createSphinxEngine } from '../../stt/sphinx/index.js'
import { DEFAULT_FILLED_MLLR, loadBandEnvelope } from '../../stt/sphinx/telephone.js'
import { createGeminiEngine, createGroqEngine, createOpenAiEngine, createWhisperEngine } from '../../stt/engines/index.js'
import type { SttEngine } from '../../stt/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    stt: SpeechService
  }
}

export interface SttPluginOptions {
  /** Tests pass engines here instead of the ones config selects. */
  engines?: SttEngine[]
}

/**
 * Engines this configuration can use: sphinx always (it reports itself unavailable without its
 * model), whisper when a model path is set, cloud engines when their key (or base URL) is set.
 */
function configuredEngines(config: Config, log: FastifyBaseLogger): SttEngine[] {
  const cloud = { timeoutMs: config.STT_TIMEOUT_SECONDS * 1000 }
  return [
    createSphinxEngine({
      poolSize: config.STT_POOL_SIZE,
      streamDecoders: config.SPHINX_STREAM_DECODERS,
      streamDecodersKept: config.SPHINX_STREAM_DECODERS_KEPT,
      modelDir: config.SPHINX_MODEL_DIR,
      ...(config.SPHINX_TELEPHONE_MLLR && { telephoneMllr: config.SPHINX_TELEPHONE_MLLR === 'off' ? false : config.SPHINX_TELEPHONE_MLLR }),
      ...(config.SPHINX_TELEPHONE_BAND_FILL && { telephoneBandFill: { envelope: loadBandEnvelope(), mllr: DEFAULT_FILLED_MLLR } }),
      logger: log
    }),
    ...(config.WHISPER_MODEL_PATH
      ? [createWhisperEngine({ modelPath: config.WHISPER_MODEL_PATH, poolSize: config.WHISPER_POOL_SIZE, threads: config.WHISPER_THREADS })]
      : []),
    ...(config.GROQ_API_KEY ? [createGroqEngine({ apiKey: config.GROQ_API_KEY, baseURL: config.GROQ_BASE_URL, model: config.GROQ_STT_MODEL, ...cloud })] : []),
    ...(config.OPENAI_API_KEY || config.OPENAI_BASE_URL
      ? [createOpenAiEngine({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, model: config.OPENAI_STT_MODEL, ...cloud })]
      : []),
    ...(config.GEMINI_API_KEY
      ? [createGeminiEngine({ apiKey: config.GEMINI_API_KEY, baseUrl: config.GEMINI_BASE_URL, model: config.GEMINI_STT_MODEL, ...cloud })]
      : [])
  ]
}

/**
 * The default engine: STT_ENGINE when set, otherwise the first engine that can run here, in the
 * order offline first, then cloud engines.
 */
async function chooseDefault(config: Config, engines: SttEngine[]): Promise<string> {
  if (config.STT_ENGINE) {
    if (!engines.some((e) => e.name === config.STT_ENGINE)) {
      throw new Error(`STT_ENGINE=${config.STT_ENGINE} is not configured: set its API key or model path (see .env.example)`)
    }
    return config.STT_ENGINE
  }
  for (const engine of engines) if ((await engine.available()).ok) return engine.name
  return engines[0].name
}

export default fp<SttPluginOptions>(
  async (fastify, opts) => {
    const { config, metrics, log } = fastify
    const engines = opts.engines ?? configuredEngines(config, log)
    const stt = createSpeechService({
      engines,
      defaultEngine: await chooseDefault(config, engines),
      maxAudioSeconds: config.MAX_AUDIO_SECONDS,
      observe: (stage, engine, seconds) => metrics.stageDuration.observe({ stage, engine }, seconds)
    })
    fastify.decorate('stt', stt)
    fastify.addHook('onClose', async () => stt.close())

    // Load models now so the first request is not the slow one; a missing engine only logs.
    const warmStart = performance.now()
    await stt.warm().catch((err) => log.warn({ err }, 'warming speech engines failed'))
    const status = await stt.status()
    for (const s of status) {
      if (!s.available) log.warn({ engine: s.name, reason: s.reason }, 'speech engine unavailable')
    }
    log.info(
      {
        default: stt.defaultEngine,
        engines: status.map((s) => `${s.name}${s.available ? '' : ' (unavailable)'}`),
        ms: Math.round(performance.now() - warmStart)
      },
      'speech engines ready'
    )

    fastify.health.addCheck('stt', async () => {
      const all = await stt.status()
      const def = all.find((s) => s.default)!
      // An engine's reason can quote a path or a loader's message: /ready is public, so only the log gets it.
      const engines = all.map(({ reason: _reason, ...engine }) => engine)
      return { ok: def.available, detail: { default: def.name, engines }, ...(!def.available && { error: def.reason }) }
    })
  },
  { name: 'stt', dependencies: ['config', 'metrics', 'health'] }
)
