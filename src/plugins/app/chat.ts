import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import type { Metrics } from '../external/metrics.js'
import {
  createBuiltinChat,
  createChatClient,
  createGeminiChat,
  createGroqChat,
  createOpenAiChat,
  type ChatClient,
  type ChatProvider,
  type TokenUsage
} from '../../chat/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    chat: ChatClient
  }
}

const NO_MODEL = 'No chat model is configured: set GROQ_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY (LLM_PROVIDER picks one when several are set).'

/** LLM_PROVIDER when set; otherwise the first cloud provider with a key; otherwise the built-in one, which cannot converse. */
export function chooseChatProvider(config: Config): ChatProvider {
  const wanted = config.LLM_PROVIDER ?? (config.GROQ_API_KEY ? 'groq' : config.OPENAI_API_KEY ? 'openai' : config.GEMINI_API_KEY ? 'gemini' : 'builtin')
  const need = (key: string | undefined, name: string) => {
    if (!key) throw new Error(`LLM_PROVIDER=${wanted} needs ${name}: set it, or choose LLM_PROVIDER=builtin`)
    return key
  }
  switch (wanted) {
    case 'groq':
      return createGroqChat({ apiKey: need(config.GROQ_API_KEY, 'GROQ_API_KEY'), baseURL: config.GROQ_BASE_URL, model: config.LLM_MODEL })
    case 'openai':
      return createOpenAiChat({ apiKey: need(config.OPENAI_API_KEY, 'OPENAI_API_KEY'), baseURL: config.OPENAI_BASE_URL, model: config.LLM_MODEL })
    case 'gemini':
      return createGeminiChat({ apiKey: need(config.GEMINI_API_KEY, 'GEMINI_API_KEY'), baseUrl: config.GEMINI_BASE_URL, model: config.LLM_MODEL })
    default:
      return createBuiltinChat(
        config.LLM_PROVIDER === 'builtin'
          ? 'LLM_PROVIDER=builtin selects the offline analyzer, which cannot hold a conversation: set LLM_PROVIDER to groq, openai or gemini and its API key.'
          : NO_MODEL
      )
  }
}

/** Counts the tokens providers report into `voxlens_llm_tokens_total`; for every chat client the app makes. */
export function countTokens(metrics: Metrics) {
  return (provider: string, usage: TokenUsage) => {
    metrics.llmTokens.inc({ provider, kind: 'prompt' }, usage.prompt)
    metrics.llmTokens.inc({ provider, kind: 'completion' }, usage.completion)
  }
}

/** The chat model every feature talks to (analysis, practice, coaching), chosen once by config. */
export default fp(
  async (fastify) => {
    const { config } = fastify
    const provider = chooseChatProvider(config)
    fastify.decorate('chat', createChatClient({ provider, timeoutMs: config.LLM_TIMEOUT_SECONDS * 1000, onUsage: countTokens(fastify.metrics) }))
    fastify.log.info({ provider: provider.name, model: provider.model, available: provider.available }, 'chat model ready')
  },
  { name: 'chat', dependencies: ['config', 'metrics'] }
)
