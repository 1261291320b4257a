import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import {
  createAnalyzer, createBuiltinProvider, createGeminiProvider, createGroqProvider, createOpenAiProvider, type LlmProvider
} from '../../llm/index.js'

type Analyzer = ReturnType<typeof createAnalyzer>

declare module 'fastify' {
  interface FastifyInstance {
    llm: Analyzer & { provider: string }
  }
}

/** LLM_PROVIDER when set; otherwise the first cloud provider with a key; otherwise the offline analyzer. */
export function chooseProvider(config: Config): LlmProvider {
  const wanted = config.LLM_PROVIDER ?? (config.GROQ_API_KEY ? 'groq' : config.OPENAI_API_KEY ? 'openai' : config.GEMINI_API_KEY ? 'gemini' : 'builtin')
  const need = (key: string | undefined, name: string) => {
    if (!key) throw new Error(`LLM_PROVIDER=${wanted} needs ${name}: set it, or choose LLM_PROVIDER=builtin`)
    return key
  }
  switch (wanted) {
    case 'groq':
      return createGroqProvider({ apiKey: need(config.GROQ_API_KEY, 'GROQ_API_KEY'), baseURL: config.GROQ_BASE_URL, model: config.LLM_MODEL })
    case 'openai':
      return createOpenAiProvider({ apiKey: need(config.OPENAI_API_KEY, 'OPENAI_API_KEY'), baseURL: config.OPENAI_BASE_URL, model: config.LLM_MODEL })
    case 'gemini':
      return createGeminiProvider({ apiKey: need(config.GEMINI_API_KEY, 'GEMINI_API_KEY'), baseUrl: config.GEMINI_BASE_URL, model: config.LLM_MODEL })
    default:
      return createBuiltinProvider()
  }
}

/** Analysis and politeness rewrites, cached, bounded in time, falling back to the offline analyzer. */
export default fp(
  async (fastify) => {
    const { config, cache, metrics } = fastify
    const provider = chooseProvider(config)
    const analyzer = createAnalyzer({
      provider,
      cache,
      timeoutSeconds: config.LLM_TIMEOUT_SECONDS,
      onOutcome: (name, outcome) => metrics.llmRequests.inc({ provider: name, outcome })
    })
    fastify.decorate('llm', Object.assign(analyzer, { provider: provider.name }))
    fastify.log.info({ provider: provider.name }, 'analysis provider ready')
  },
  { name: 'llm', dependencies: ['config', 'cache', 'metrics'] }
)
