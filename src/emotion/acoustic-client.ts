import type { Piscina } from 'piscina'
import { createWorkerPool, forWorker } from '../workers/pool.js'
import type { AcousticCues, AcousticSpan } from './acoustics.js'
import type { MeasureTask } from './acoustic-protocol.js'

/**
 * Measures acoustic cues on one pool thread, started on first use. Pitch tracking costs tens of
 * milliseconds per second of audio: on the main thread it would stall every other request. An
 * aborted measurement takes its thread down; the next one starts a fresh thread.
 */
export class AcousticMeter {
  private readonly pool: Piscina<MeasureTask, AcousticCues[]>

  constructor() {
    this.pool = createWorkerPool({ entry: new URL('./acoustic-worker.js', import.meta.url), threads: 1 })
  }

  /** The caller keeps `samples`: shared memory crosses as is, anything else is copied once. */
  async measure(samples: Float32Array, sampleRate: number, spans: AcousticSpan[], signal?: AbortSignal): Promise<AcousticCues[]> {
    signal?.throwIfAborted()
    if (spans.length === 0) return []
    const task = forWorker(samples)
    try {
      return await this.pool.run({ samples: task.samples, sampleRate, spans }, { transferList: task.transferList, signal })
    } catch (err) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted')
      throw new Error(`acoustic analysis failed: ${(err as Error).message}`, { cause: err })
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy()
  }
}
