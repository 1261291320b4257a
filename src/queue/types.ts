export type JobState = 'queued' | 'processing' | 'completed' | 'failed'

export interface JobInfo {
  id: string
  name: string
  state: JobState
  /** 0-100 */
  progress: number
  result?: unknown
  error?: string
  createdAt: Date
  finishedAt?: Date
}

export interface JobContext<T = unknown> {
  id: string
  name: string
  data: T
  /** Reports 0-100 to whoever polls the job. */
  progress(percent: number): Promise<void>
}

export type JobHandler = (job: JobContext<any>) => Promise<unknown>

export interface AddOptions {
  /** Reusing an id makes the add idempotent. */
  jobId?: string
  attempts?: number
}

/** One interface over BullMQ (Redis) and the in-process queue. */
export interface JobQueue {
  readonly kind: 'bullmq' | 'memory'
  add(name: string, data: unknown, opts?: AddOptions): Promise<string>
  get(id: string): Promise<JobInfo | null>
  /** Starts consuming jobs in this process with the given handlers. */
  work(handlers: Record<string, JobHandler>, opts: { concurrency: number }): void
  close(): Promise<void>
}
