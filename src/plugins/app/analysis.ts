import fp from 'fastify-plugin'
import { createAnalyzer, type Analyzer } from '../../analysis/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    analysis: Analyzer
  }
}

/**
 * Call analysis and politeness rewrites: the configured chat model when there is one, cached and
 * bounded in time, the rule-based analyzer otherwise and whenever the model fails.
 */
export default fp(
  async (fastify) => {
    const { config, cache, metrics, chat } = fastify
    const analyzer = createAnalyzer({
      chat,
      cache,
      timeoutSeconds: config.LLM_TIMEOUT_SECONDS,
      onOutcome: (provider, outcome) => metrics.llmRequests.inc({ provider, outcome })
    })
    fastify.decorate('analysis', analyzer)
    fastify.log.info({ provider: analyzer.provider }, 'analysis provider ready')
  },
  { name: 'analysis', dependencies: ['config', 'cache', 'metrics', 'chat'] }
)
