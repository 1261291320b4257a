export type JobState = 'queued' | 'processing' | 'completed' | 'failed'

/** Job name -> payload, e.g. JobPayloads in src/jobs/types.ts. */
export type JobMap<M> = { [K in keyof M]: object }

export interface JobInfo {
  id: string
  name: string
  state: JobState
  /** 0-100 */
  progress: number
  result?: unknown
  /** why the last run failed, once the job has failed for good */
  error?: string
  createdAt: Date
  finishedAt?: Date
}

export interface JobContext<M, K extends keyof M = keyof M> {
  id: string
  name: K
  data: M[K]
  /** this run, 1 for the first */
  attempt: number
  /** runs allowed in total */
  attempts: number
  /** Reports 0-100 to whoever polls the job. */
  progress(percent: number): Promise<void>
}

export type JobHandlers<M> = { [K in keyof M]: (job: JobContext<M, K>) => Promise<unknown> }

/** Wait before retry n (1-based): `delay` each time, or `delay * 2^(n-1)` when exponential (as BullMQ). */
export interface Backoff {
  type: 'fixed' | 'exponential'
  delay: number
}

export interface RetryOptions {
  /** runs in total, the first included (default 1) */
  attempts?: number
  backoff?: Backoff
}

export interface AddOptions extends RetryOptions {
  /** Reusing an id makes the add idempotent. */
  jobId?: string
}

/** A job that failed for good, however it ended: its handler threw on the last run, or it never reached one. */
export type FailedJob<M> = { [K in keyof M & string]: { id: string; name: K; data: M[K]; error: string } }[keyof M & string]

export interface WorkOptions<M> {
  concurrency: number
  /**
   * Called once a job has failed for good, including ends that never reach a handler: a BullMQ job
   * whose worker stopped responding too often ("job stalled more than allowable limit").
   */
  onFailed?: (job: FailedJob<M>) => Promise<void>
}

/** Retry policy per job name, applied to every add of that name unless the add says otherwise. */
export type JobDefaults<M> = { [K in keyof M]?: RetryOptions }

/**
 * One interface over BullMQ (Redis) and the in-process queue, generic over the job map so names
 * and payloads are checked where jobs are added and where they are handled.
 */
export interface JobQueue<M extends JobMap<M>> {
  readonly kind: 'bullmq' | 'memory'
  /** Rejects with QueueUnavailableError when the queue cannot take the job within a few seconds. */
  add<K extends keyof M & string>(name: K, data: M[K], opts?: AddOptions): Promise<string>
  /** The job's state, or null when no job has this id (never added, or forgotten after completion). */
  get(id: string): Promise<JobInfo | null>
  /** Starts consuming jobs in this process with the given handlers. */
  work(handlers: JobHandlers<M>, opts: WorkOptions<M>): void
  /**
   * Adds the job now and then every `every` ms. Upserting the same id again replaces the schedule
   * instead of adding a second one; with BullMQ one schedule serves every process on the same Redis.
   */
  schedule<K extends keyof M & string>(id: string, repeat: { every: number }, job: { name: K; data: M[K] }): Promise<void>
  close(): Promise<void>
}
