import fp from 'fastify-plugin'
import { createReadStream } from 'node:fs'
import { createRequire } from 'node:module'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { VERSION } from '../../version.js'
import { cspDirectives } from './helmet.js'

const redocScript = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js')

// <redoc spec-url> starts ReDoc by itself, so the page needs no inline script.
const redocPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>voxlens API reference</title>
</head>
<body>
<redoc spec-url="/docs/json"></redoc>
<script src="/redoc/redoc.standalone.js"></script>
</body>
</html>
`

/** The OpenAPI document is generated from the route schemas; Swagger UI serves it at /docs. */
export default fp(
  async (fastify) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'voxlens',
          version: VERSION,
          description: 'Self-hostable voice-intelligence API: transcripts with word timings, speakers, emotion and analysis.'
        },
        // Relative, so the document is right whatever address or proxy the server is reached by.
        servers: [{ url: '/', description: 'This server' }],
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
    await fastify.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // Its built-in policy asks for HTTPS too, which blanks the page on a plain-HTTP server (helmet.ts).
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, '')
    })

    // ReDoc, served from its npm package: no CDN, so the docs work offline and behind a firewall.
    // It styles itself with injected <style> tags (helmet allows inline styles) and runs its search
    // index in a worker made from a blob: URL, which this page alone is allowed.
    const helmet = { contentSecurityPolicy: { directives: { ...cspDirectives, workerSrc: ["'self'", 'blob:'] } } }
    fastify.get('/redoc', { schema: { hide: true }, config: { helmet } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(redocPage))
    fastify.get('/redoc/redoc.standalone.js', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(createReadStream(redocScript))
    )
  },
  { name: 'swagger' }
)
