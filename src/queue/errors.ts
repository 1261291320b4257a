import { UnrecoverableError } from 'bullmq'

/** Thrown by a handler, it fails the job at once whatever attempts remain; both queues honour it. */
export { UnrecoverableError }

/** BullMQ also matches by name, so an error made in another realm (a sandboxed processor) still counts. */
export function isUnrecoverable(err: unknown): boolean {
  return err instanceof UnrecoverableError || (err instanceof Error && err.name === 'UnrecoverableError')
}

/** Whether a failed run was the job's last one. */
export function isFinalFailure(job: { attempt: number; attempts: number }, err: unknown): boolean {
  return isUnrecoverable(err) || job.attempt >= job.attempts
}

/**
 * A failure the handler explains: `details` (ids, hosts, statuses, never secrets) go into the log
 * line of the failed run. `final` stops retries: BullMQ recognises UnrecoverableError by this name.
 */
export class JobError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
    opts: { final?: boolean } = {}
  ) {
    super(message)
    this.name = opts.final ? 'UnrecoverableError' : 'JobError'
  }
}

/** The queue's store (Redis) did not answer in time: the job was not taken, or may be taken late. */
export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError'
}
