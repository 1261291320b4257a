import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Counter } from 'prom-client'
import { cacheEnabled } from '../../config.js'
import { createChatClient, createGeminiChat, type ChatClient } from '../../chat/index.js'
import { HttpError } from '../../errors.js'
import { countTokens } from '../../plugins/app/chat.js'
import { useErrorShape } from '../../plugins/app/errors.js'
import { StageTimeoutError } from '../../practice/errors.js'
import { createGrammarChecker } from '../../practice/grammar.js'
import { createPracticeService } from '../../practice/service.js'
import { createPracticeStore } from '../../practice/store.js'
import { createTutor } from '../../practice/tutor.js'
import { practiceSchemas } from '../../schemas/practice.js'
import chatRoutes from './chat.js'
import conversationRoutes from './conversations.js'
import modelRoutes from './models.js'

declare module 'fastify' {
  interface FastifyInstance {
    practice: PracticeScope
  }
}

export interface PracticeScope {
  service: ReturnType<typeof createPracticeService>
  store: ReturnType<typeof createPracticeStore>
  grammar: ReturnType<typeof createGrammarChecker>
  chat: ChatClient | null
  /** chat requests by route (text, voice) and outcome (ok, rejected, timeout, failed) */
  requests: Counter<'route' | 'outcome'>
}

/**
 * The English-practice app's family, written against a FastAPI backend: every refusal is
 * `{"detail": "..."}`. No login: the app names its user in each request; a voxlens token, when
 * sent, binds conversations to that account as well.
 */
const practiceFamily: FastifyPluginAsyncTypebox = async (fastify) => {
  for (const schema of practiceSchemas) fastify.addSchema(schema)
  useErrorShape(fastify, (e) => ({ detail: e.message }))
  fastify.addHook('onRequest', fastify.authenticate({ required: fastify.config.AUTH_MODE === 'required' }))
  const { config, metrics } = fastify

  const chat = practiceChat(fastify)
  const grammar = createGrammarChecker()
  fastify.addHook('onClose', () => grammar.close())
  const tutor = createTutor({
    grammar,
    chat,
    llmTimeoutMs: config.LLM_TIMEOUT_SECONDS * 1000,
    cache: cacheEnabled(config) ? fastify.cache : null,
    observe: (stage, engine, seconds) => metrics.stageDuration.observe({ stage, engine }, seconds)
  })
  const store = createPracticeStore(fastify.db.prisma)
  const service = createPracticeService({
    store,
    tutor,
    stt: fastify.stt,
    sttTimeoutMs: config.STT_TIMEOUT_SECONDS * 1000,
    observe: (stage, engine, seconds) => metrics.stageDuration.observe({ stage, engine }, seconds),
    async speak(text, ctx) {
      try {
        const spoken = await fastify.tts.speakToStorage({ text, format: 'mp3', origin: ctx.origin, signal: ctx.signal })
        return { key: spoken.key, url: spoken.url, engine: spoken.engine }
      } catch (err) {
        if (err instanceof HttpError && err.code === 'tts_timeout') throw new StageTimeoutError('tts')
        throw err
      }
    }
  })
  const requests = new Counter({
    name: 'voxlens_practice_chat_requests_total',
    help: 'English-practice chat requests by route (text, voice) and outcome (ok, rejected, timeout, failed)',
    labelNames: ['route', 'outcome'] as const,
    registers: [metrics.registry]
  })
  fastify.decorate('practice', { service, store, grammar, chat, requests })

  await fastify.register(chatRoutes)
  await fastify.register(conversationRoutes)
  await fastify.register(modelRoutes)
}

/**
 * Gemini first, as the app's original backend used, when its key is set and LLM_PROVIDER does not
 * choose another; otherwise the server's chat model; null when that is the offline one.
 */
function practiceChat(fastify: Parameters<FastifyPluginAsyncTypebox>[0]): ChatClient | null {
  const { config } = fastify
  if (!config.LLM_PROVIDER && config.GEMINI_API_KEY) {
    const provider = createGeminiChat({ apiKey: config.GEMINI_API_KEY, baseUrl: config.GEMINI_BASE_URL, model: config.LLM_MODEL })
    return createChatClient({ provider, timeoutMs: config.LLM_TIMEOUT_SECONDS * 1000, onUsage: countTokens(fastify.metrics) })
  }
  return fastify.chat.available ? fastify.chat : null
}

export default practiceFamily
