import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** One speaker segment as sherpa-onnx reports it: seconds, integer speaker id. */
export interface SherpaSegment {
  start: number
  end: number
  speaker: number
}

export type ParentMessage = { type: 'run'; id: number; samples: Float32Array; numClusters: number; threshold: number }

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'load-failed'; message: string }
  | { type: 'done'; id: number; segments: SherpaSegment[] }
  | { type: 'failed'; id: number; message: string }

/** The models could not be loaded; nothing changes until the files do. */
export class SherpaLoadError extends Error {
  override name = 'SherpaLoadError'
}

/**
 * One sherpa child process: loads the models once and runs one job at a time. Typed arrays cross the IPC
 * channel intact with 'advanced' serialization.
 */
export class SherpaProcess {
  readonly ready: Promise<void>
  private readonly child: ChildProcess
  private stderr = ''
  private nextId = 1
  private readonly pending = new Map<number, { resolve(s: SherpaSegment[]): void; reject(e: Error): void }>()
  private exited = false

  constructor(segmentationModel: string, embeddingModel: string) {
    // Under tsx or vitest this module is TypeScript and so is the child: give it the same loader.
    const typescript = import.meta.url.endsWith('.ts')
    const entry = new URL(typescript ? './sherpa-child.ts' : './sherpa-child.js', import.meta.url)
    this.child = fork(fileURLToPath(entry), [segmentationModel, embeddingModel], {
      serialization: 'advanced',
      execArgv: typescript ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc']
    })
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000)
    })
    this.ready = new Promise((resolve, reject) => {
      let loadFailure: string | undefined
      this.child.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') resolve()
        else if (m.type === 'load-failed') loadFailure = m.message
        else this.settle(m)
      })
      this.child.on('error', (err) => reject(new SherpaLoadError(err.message)))
      // 'close' comes after the child's stderr is drained, so the explanation is complete.
      this.child.on('close', (code, signal) => {
        this.exited = true
        const how = signal ? `the sherpa-onnx process was killed by ${signal}` : `the sherpa-onnx process exited with code ${code}`
        const message = this.explain(loadFailure ?? how)
        reject(new SherpaLoadError(message))
        for (const job of this.pending.values()) job.reject(new Error(message))
        this.pending.clear()
      })
    })
    // Callers observe failures through `ready` or `run`; an unobserved rejection must not crash the server.
    this.ready.catch(() => undefined)
  }

  get alive(): boolean {
    return !this.exited
  }

  async run(samples: Float32Array, numClusters: number, threshold: number): Promise<SherpaSegment[]> {
    await this.ready
    if (this.exited) throw new Error('the sherpa-onnx process has exited')
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.child.send({ type: 'run', id, samples, numClusters, threshold } satisfies ParentMessage)
    })
  }

  kill(): void {
    if (!this.exited) this.child.kill()
  }

  private settle(m: Extract<ChildMessage, { id: number }>): void {
    const job = this.pending.get(m.id)
    this.pending.delete(m.id)
    if (m.type === 'done') job?.resolve(m.segments)
    else job?.reject(new Error(m.message))
  }

  /** sherpa and onnxruntime say what is wrong on stderr ("... does not exist", "Protobuf parsing failed"). */
  private explain(message: string): string {
    const lines = this.stderr
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('terminate called'))
      .map((l) =>
        l
          .replace(/^\S*sherpa-onnx\/c(src|-api)\/\S+\s+/, '')
          .replace(/^\s*what\(\):\s*/, '')
          .trim()
      )
    const detail = lines.slice(-2).join('; ')
    return detail ? `${message}: ${detail}` : message
  }
}
