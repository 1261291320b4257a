import fp from 'fastify-plugin'
import { setMaxListeners } from 'node:events'
import { HttpError } from '../../errors.js'

export interface Inflight {
  /**
   * Runs audio work a request waits for, with a signal that aborts a little before the shutdown
   * deadline: the work then rejects with shuttingDown() and the request gets its family's 503,
   * instead of the process exiting under it and the client seeing the socket close.
   */
  run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>
  /** how many requests' work is running now */
  readonly size: number
}

declare module 'fastify' {
  interface FastifyInstance {
    inflight: Inflight
  }
}

export const SHUTTING_DOWN = 'shutting_down'

export function shuttingDown(): HttpError {
  return new HttpError(503, SHUTTING_DOWN, 'The server is shutting down; retry.')
}

/**
 * When in-flight work is told to stop: early enough before SHUTDOWN_TIMEOUT_MS that the answers,
 * the records they fail and the engines' close all fit, late enough that most work finishes first.
 */
export function abortDelay(shutdownTimeoutMs: number): number {
  return shutdownTimeoutMs - Math.min(3_000, Math.max(500, Math.round(shutdownTimeoutMs / 3)))
}

export default fp(
  async (fastify) => {
    const running = new Set<AbortController>()
    let stopping = false
    let timer: NodeJS.Timeout | undefined

    const abortAll = () => {
      stopping = true
      if (running.size > 0) fastify.log.warn({ requests: running.size }, 'shutdown deadline near: stopping audio work still in flight')
      for (const controller of running) controller.abort(shuttingDown())
    }

    fastify.decorate('inflight', {
      async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
        const controller = new AbortController()
        // Every speech span decoded for this request listens to the one signal: a long recording has hundreds.
        setMaxListeners(0, controller.signal)
        if (stopping) controller.abort(shuttingDown())
        running.add(controller)
        try {
          return await work(controller.signal)
        } finally {
          running.delete(controller)
        }
      },
      get size() {
        return running.size
      }
    })

    // preClose runs as soon as the close starts, before the server waits for requests to finish.
    fastify.addHook('preClose', async () => {
      timer = setTimeout(abortAll, abortDelay(fastify.config.SHUTDOWN_TIMEOUT_MS))
      timer.unref()
    })
    fastify.addHook('onClose', async () => clearTimeout(timer))
  },
  { name: 'inflight', dependencies: ['config'] }
)
