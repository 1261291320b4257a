import fp from 'fastify-plugin'
import type { ErrorEvent, SeverityLevel } from '@sentry/node'
import { VERSION } from '../../version.js'

/** What we know about a failure besides the error: ids to find it by, never payloads or credentials. */
export interface ErrorContext {
  /** indexed in Sentry: request_id, route, method, job, job_id, attempt */
  tags?: Record<string, string | number | boolean | undefined>
  level?: SeverityLevel
}

export interface ErrorTracking {
  readonly enabled: boolean
  /** Queues the error for Sentry; never throws and never waits. */
  capture(err: unknown, context?: ErrorContext): void
  /** Waits up to `timeoutMs` for queued events to leave; true when all did. */
  flush(timeoutMs?: number): Promise<boolean>
}

declare module 'fastify' {
  interface FastifyInstance {
    errorTracking: ErrorTracking
  }
}

export interface ErrorTrackingOptions {
  /** tags every event, so API and worker failures can be told apart */
  service?: 'api' | 'worker'
}

/** Bound on waiting for Sentry at shutdown or after a crash: an unreachable Sentry must not hold the process. */
const FLUSH_MS = 2_000

const off: ErrorTracking = { enabled: false, capture() {}, flush: async () => true }

/**
 * Reports 5xx errors, failed jobs and crashes to Sentry when SENTRY_DSN is set. The client is our
 * own (not `Sentry.init`): no global error handlers (close-with-grace owns crashes), no OpenTelemetry
 * or module patching on the request path, and two apps in one process do not share a client.
 */
export default fp<ErrorTrackingOptions>(
  async (fastify, opts) => {
    const { SENTRY_DSN, SENTRY_ENVIRONMENT, NODE_ENV } = fastify.config
    if (!SENTRY_DSN) {
      fastify.decorate('errorTracking', off)
      return
    }
    // Loaded only when configured: importing the SDK costs about half a second.
    const Sentry = await import('@sentry/node')
    const environment = SENTRY_ENVIRONMENT ?? NODE_ENV
    const client = new Sentry.NodeClient({
      dsn: SENTRY_DSN,
      environment,
      release: `voxlens@${VERSION}`,
      sendDefaultPii: false,
      maxBreadcrumbs: 0,
      // Only what explains an error: its `cause` chain, and no duplicate when one error is reported twice.
      integrations: [Sentry.linkedErrorsIntegration(), Sentry.dedupeIntegration()],
      transport: Sentry.makeNodeTransport,
      stackParser: Sentry.defaultStackParser,
      beforeSend: scrubEvent
    })
    const scope = new Sentry.Scope()
    scope.setClient(client)
    scope.setTag('service', opts.service ?? 'api')
    client.init()

    fastify.decorate('errorTracking', {
      enabled: true,
      capture(err, context = {}) {
        const event = scope.clone()
        for (const [key, value] of Object.entries(context.tags ?? {})) if (value !== undefined) event.setTag(key, String(value))
        if (context.level) event.setLevel(context.level)
        event.captureException(err)
      },
      flush: async (timeoutMs = FLUSH_MS) => client.flush(timeoutMs)
    } satisfies ErrorTracking)

    fastify.addHook('onClose', async () => {
      await client.close(FLUSH_MS)
    })
    fastify.log.info({ environment }, 'error tracking on: 5xx errors, failed jobs and crashes are reported to Sentry')
  },
  { name: 'error-tracking', dependencies: ['config'] }
)

// Error messages can quote what a user sent (a unique e-mail in a database error, a header in a
// client's error): such text is masked wherever it sits in the event.
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/\b(bearer|basic|token)\s+[\w.~+/=-]+/gi, '$1 [redacted]'],
  [/\bvx[kl]_[\w-]+/g, '[redacted]'],
  [/[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-z]{2,}\b/gi, '[email]']
]
const SECRET_KEY = /authorization|cookie|password|secret|token|api[-_]?key|e-?mail/i

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return SECRET_TEXT.reduce((text, [pattern, mask]) => text.replace(pattern, mask), value)
  if (value === null || typeof value !== 'object' || depth > 10) return value
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, SECRET_KEY.test(key) ? '[redacted]' : key === 'stacktrace' ? v : scrub(v, depth + 1)])
  )
}

/** The last stop before an event leaves: no request data or user at all, secrets masked in the rest. */
export function scrubEvent(event: ErrorEvent): ErrorEvent {
  const { request: _request, user: _user, ...rest } = event
  return scrub(rest) as ErrorEvent
}
