import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { VERSION } from '../../version.js'

/** The OpenAPI document is generated from the route schemas; Swagger UI serves it at /docs. */
export default fp(
  async (fastify) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'voxlens',
          version: VERSION,
          description:
            'Self-hostable voice-intelligence API: transcripts with word timings, speakers, emotion and analysis.'
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'A session token from POST /api/auth/login or an API key' }
          }
        },
        tags: [
          { name: 'auth', description: 'Accounts, sessions and API keys' },
          { name: 'calls', description: 'Call-transcription records' },
          { name: 'openai', description: 'OpenAI-compatible speech-to-text' },
          { name: 'refine', description: 'Politeness rewrite of spoken text' },
          { name: 'analytics', description: 'Voice analytics of one recording' },
          { name: 'system', description: 'Health, readiness and metrics' }
        ]
      },
      // Component names equal the schemas' $id.
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`)
      }
    })
    await fastify.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  },
  { name: 'swagger' }
)
