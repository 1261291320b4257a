import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from '../errors.js'

export interface LoginLockoutOptions {
  maxFailures: number
  windowMinutes: number
  /** The account a login request names, normalised the way login looks it up. */
  accountOf: (request: FastifyRequest) => string
}

/** Runs one password check for a login request; its 401 counts as a failure. */
export type LoginLockout = <T>(request: FastifyRequest, reply: FastifyReply, attempt: () => Promise<T>) => Promise<T>

/**
 * Refuses password logins to an account after `maxFailures` failed ones within the window, with 429
 * and Retry-After. The window starts at the first failure and is never extended, so an attacker can
 * hold an account's password login shut for one window at a time but never lock its owner out for
 * good. Failures count for names that have no account too, so the answer does not tell which exist.
 * Counters live in the rate-limit store (Redis when configured, shared by every instance).
 */
export function createLoginLockout(createRateLimit: FastifyInstance['createRateLimit'], opts: LoginLockoutOptions): LoginLockout {
  const failures = createRateLimit({
    max: opts.maxFailures,
    timeWindow: opts.windowMinutes * 60_000,
    keyGenerator: (request) => `login:account:${opts.accountOf(request)}`
  })
  // Attempts on one account take turns in this process, so a burst of parallel guesses cannot all
  // pass the check before the first failure is counted.
  const turns = new Map<string, Promise<void>>()

  return async (request, reply, attempt) => {
    const account = opts.accountOf(request)
    const previous = turns.get(account) ?? Promise.resolve()
    let done!: () => void
    const released = new Promise<void>((resolve) => {
      done = resolve
    })
    const mine = previous.then(() => released)
    turns.set(account, mine)
    await previous
    try {
      const state = await failures(request, { increment: false })
      if (!state.isAllowed && state.remaining === 0) {
        const seconds = state.ttlInSeconds
        reply.header('retry-after', seconds)
        const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`
        throw new HttpError(429, 'login_locked', `Too many failed logins for this account: password login is paused. Retry in ${wait}.`)
      }
      try {
        return await attempt()
      } catch (err) {
        if (err instanceof HttpError && err.statusCode === 401) await failures(request)
        throw err
      }
    } finally {
      done()
      if (turns.get(account) === mine) turns.delete(account)
    }
  }
}
