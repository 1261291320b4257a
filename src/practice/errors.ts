import { HttpError } from '../errors.js'

/** What a learner reads when a stage ran past its limit; the app shows it as is. */
export const TOO_SLOW = 'The tutor is taking too long, please try again'

export class StageTimeoutError extends HttpError {
  override name = 'StageTimeoutError'
  constructor(readonly stage: string) {
    super(504, 'tutor_timeout', TOO_SLOW, { stage })
  }
}

/**
 * Runs one stage with its own deadline: past `ms` the stage's signal aborts (so its work stops) and
 * the call rejects with a StageTimeoutError whether or not the work noticed. The caller's signal
 * (the request's) aborts it too.
 */
export async function withStageLimit<T>(stage: string, ms: number, signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController()
  const combined = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new StageTimeoutError(stage)
      stop.abort(err)
      reject(err)
    }, ms)
  })
  const running = work(combined)
  running.catch(() => {})
  try {
    return await Promise.race([running, late])
  } catch (err) {
    if (stop.signal.aborted) throw stop.signal.reason
    throw err
  } finally {
    clearTimeout(timer)
  }
}
