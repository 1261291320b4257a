import fastq from 'fastq'
import { randomUUID } from 'node:crypto'
import type { AddOptions, JobHandler, JobInfo, JobQueue } from './types.js'

interface Entry extends JobInfo {
  data: unknown
}

const KEEP_FINISHED = 1_000

/** In-process queue for single-machine use: same states and progress as BullMQ, nothing survives a restart. */
export function createMemoryQueue(): JobQueue {
  const jobs = new Map<string, Entry>()
  const pending: Entry[] = []
  let run: ((entry: Entry) => Promise<void>) | null = null
  let queue: fastq.queueAsPromised<Entry> | null = null

  function forgetOldFinished() {
    if (jobs.size <= KEEP_FINISHED) return
    for (const [id, job] of jobs) {
      if (job.state === 'completed' || job.state === 'failed') jobs.delete(id)
      if (jobs.size <= KEEP_FINISHED) break
    }
  }

  return {
    kind: 'memory',
    async add(name, data, opts: AddOptions = {}) {
      const id = opts.jobId ?? randomUUID()
      if (jobs.has(id)) return id
      const entry: Entry = { id, name, data, state: 'queued', progress: 0, createdAt: new Date() }
      jobs.set(id, entry)
      forgetOldFinished()
      if (queue) void queue.push(entry)
      else pending.push(entry)
      return id
    },
    async get(id) {
      const job = jobs.get(id)
      if (!job) return null
      const { data: _data, ...info } = job
      return { ...info }
    },
    work(handlers: Record<string, JobHandler>, { concurrency }) {
      run = async (entry) => {
        const handler = handlers[entry.name]
        entry.state = 'processing'
        try {
          if (!handler) throw new Error(`No handler for job "${entry.name}"`)
          entry.result = await handler({
            id: entry.id,
            name: entry.name,
            data: entry.data,
            progress: async (p) => { entry.progress = Math.max(0, Math.min(100, Math.round(p))) }
          })
          entry.state = 'completed'
          entry.progress = 100
        } catch (err) {
          entry.state = 'failed'
          entry.error = (err as Error).message
        }
        entry.finishedAt = new Date()
      }
      queue = fastq.promise(run, concurrency)
      for (const entry of pending.splice(0)) void queue.push(entry)
    },
    async close() {
      if (queue && !queue.idle()) await queue.drained()
      queue?.kill()
    }
  }
}
