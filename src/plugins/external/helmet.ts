import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's helmet options over the app's, for a page that needs a wider policy (ReDoc). */
    helmet?: HelmetOptions
  }
}

/**
 * helmet's default policy, less `upgrade-insecure-requests`: a browser reaching this plain-HTTP
 * server by any address but localhost would otherwise ask for the docs' scripts over HTTPS and get
 * nothing. TLS, where there is any, is a proxy's business. Routes that need more (ReDoc) extend this.
 */
export const cspDirectives = { upgradeInsecureRequests: null }
const appPolicy: HelmetOptions = { contentSecurityPolicy: { directives: cspDirectives } }

/** The headers a policy sets. With no nonces they depend on the policy alone, never on the request. */
function headersOf(policy: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: () => {}
  }
  helmet(policy)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err
  })
  return headers
}

/**
 * helmet's security headers on every response. @fastify/helmet rebuilds helmet (and re-parses the
 * CSP) on every request, which cost /health a third of its throughput; the headers are worked out
 * once per policy here instead. Swagger UI ships its own CSP hashes (staticCSP in swagger.ts).
 */
export default fp(
  async (fastify) => {
    const appHeaders = headersOf(appPolicy)
    const routeHeaders = new WeakMap<HelmetOptions, Record<string, string>>()
    const headersFor = (own: HelmetOptions) => {
      let headers = routeHeaders.get(own)
      if (!headers) routeHeaders.set(own, (headers = headersOf({ ...appPolicy, ...own } as HelmetOptions)))
      return headers
    }
    fastify.addHook('onRequest', (request, reply, done) => {
      const own = request.routeOptions.config?.helmet
      reply.headers(own ? headersFor(own) : appHeaders)
      done()
    })
  },
  { name: 'helmet' }
)
