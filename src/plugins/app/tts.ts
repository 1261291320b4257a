import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import type { Config } from '../../config.js'
import {
  createEspeakEngine,
  createFliteEngine,
  createGeminiTtsEngine,
  createGroqTtsEngine,
  createOpenAiTtsEngine,
  createTtsService,
  type TtsEngine,
  type TtsService
} from '../../tts/index.js'
import { resolveVoice } from '../../tts/voices.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Text to speech; the interface is documented in src/tts/index.ts. */
    tts: TtsService
  }
}

export interface TtsPluginOptions {
  /** Tests pass engines here instead of the ones config selects. */
  engines?: TtsEngine[]
}

/** Offline engines always (each reports itself unavailable when its program is missing), cloud engines when keyed. */
function configuredEngines(config: Config): TtsEngine[] {
  return [
    createFliteEngine(),
    createEspeakEngine(),
    ...(config.OPENAI_API_KEY || config.OPENAI_BASE_URL
      ? [createOpenAiTtsEngine({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, model: config.TTS_OPENAI_MODEL })]
      : []),
    ...(config.GEMINI_API_KEY
      ? [createGeminiTtsEngine({ apiKey: config.GEMINI_API_KEY, baseUrl: config.GEMINI_BASE_URL, model: config.TTS_GEMINI_MODEL })]
      : []),
    ...(config.GROQ_API_KEY ? [createGroqTtsEngine({ apiKey: config.GROQ_API_KEY, baseURL: config.GROQ_BASE_URL, model: config.TTS_GROQ_MODEL })] : [])
  ]
}

async function chooseDefault(config: Config, engines: TtsEngine[]): Promise<string> {
  if (config.TTS_ENGINE) {
    if (!engines.some((e) => e.name === config.TTS_ENGINE)) {
      throw new Error(`TTS_ENGINE=${config.TTS_ENGINE} is not configured: set its API key (see .env.example)`)
    }
    return config.TTS_ENGINE
  }
  for (const engine of engines) if ((await engine.available()).ok) return engine.name
  return engines[0].name
}

export default fp<TtsPluginOptions>(
  async (fastify, opts) => {
    const { config, metrics, log } = fastify
    const engines = opts.engines ?? configuredEngines(config)
    const defaultEngine = await chooseDefault(config, engines)
    // A voice the default engine does not have stops the boot, naming the variable.
    const defaultVoice = config.TTS_VOICE
      ? (() => {
          try {
            return resolveVoice(
              engines.find((e) => e.name === defaultEngine)!,
              config.TTS_VOICE
            )
          } catch (err) {
            throw new Error(`TTS_VOICE=${config.TTS_VOICE}: ${(err as Error).message}`)
          }
        })()
      : undefined
    const cacheCounter = new Counter({
      name: 'voxlens_tts_cache_total',
      help: 'Speech requests answered from a stored earlier synthesis (hit) or synthesised (miss)',
      labelNames: ['engine', 'outcome'] as const,
      registers: [metrics.registry]
    })
    const tts = createTtsService({
      engines,
      defaultEngine,
      defaultVoice,
      cache: fastify.cache,
      storage: fastify.storage,
      timeoutMs: config.TTS_TIMEOUT_SECONDS * 1000,
      cacheTtlSeconds: config.TTS_CACHE_TTL_SECONDS,
      onCache: (outcome, engine) => cacheCounter.inc({ engine, outcome }),
      onSynthesized: (engine, seconds) => metrics.stageDuration.observe({ stage: 'tts', engine }, seconds),
      onStoreError: (err) => log.warn({ err }, 'a synthesised reply could not be stored for reuse')
    })
    fastify.decorate('tts', tts)
    fastify.addHook('onClose', async () => tts.close())

    const status = await tts.engines()
    for (const s of status) if (!s.available) log.warn({ engine: s.name, reason: s.reason }, 'speech synthesis engine unavailable')
    log.info({ default: defaultEngine, engines: status.map((s) => `${s.name}${s.available ? '' : ' (unavailable)'}`) }, 'speech synthesis ready')
  },
  { name: 'tts', dependencies: ['config', 'metrics', 'cache', 'storage'] }
)
