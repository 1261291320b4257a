import type { Piscina } from 'piscina'
import { createWorkerPool, forWorker } from '../workers/pool.js'
import type { DiarizeSettings } from './diarize.js'
import type { DiarizationResult } from './types.js'
import type { DiarizeTask } from './worker.js'

/**
 * Diarization threads, started on first use and fed from one FIFO queue. A job aborted while it runs
 * takes its thread down with it (a tight DSP loop cannot be interrupted any other way); piscina starts
 * a fresh one for the next job, as it does after a crash.
 */
export class DiarizationPool {
  private readonly pool: Piscina<DiarizeTask, DiarizationResult>

  constructor(size: number) {
    this.pool = createWorkerPool({ entry: new URL('./worker.js', import.meta.url), threads: size })
  }

  /** The caller keeps `samples`: shared memory crosses as is, anything else is copied once. */
  async run(samples: Float32Array, settings: DiarizeSettings, signal?: AbortSignal): Promise<DiarizationResult> {
    signal?.throwIfAborted()
    const task = forWorker(samples)
    try {
      return await this.pool.run({ samples: task.samples, settings }, { transferList: task.transferList, signal })
    } catch (err) {
      if (signal?.aborted) throw signal.reason
      throw new Error(`diarization failed: ${(err as Error).message}`, { cause: err })
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy()
  }
}
