import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** whisper.cpp segment; seconds from the start of the audio sent */
export interface RawSegment {
  text: string
  start: number
  end: number
}

export type ParentMessage = { type: 'run'; id: number; samples: Float32Array; language?: string; prompt?: string; words: boolean }

export type ChildMessage =
  | { type: 'ready'; multilingual: boolean }
  | { type: 'load-failed'; message: string }
  | { type: 'done'; id: number; segments: RawSegment[]; language: string }
  | { type: 'failed'; id: number; message: string }

export type RunResult = Extract<ChildMessage, { type: 'done' }>

/** The child failed to start or load its model; nothing will change until the file does. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError'
}

/** The child died mid-job (native crash, out of memory, killed). */
export class ProcessCrashError extends Error {
  override name = 'ProcessCrashError'
}

/**
 * One whisper child process: loads the model once, runs one job at a time. Typed arrays cross the IPC
 * channel intact with 'advanced' serialization, so audio is not turned into JSON numbers.
 */
export class WhisperProcess {
  readonly ready: Promise<{ multilingual: boolean }>
  private child: ChildProcess
  private stderr = ''
  private nextId = 1
  private pending = new Map<number, { resolve(r: RunResult): void; reject(e: Error): void }>()
  private exited = false

  constructor(modelPath: string, threads: number) {
    const entry = new URL('./whisper-child.js', import.meta.url)
    // Under tsx or vitest this module is TypeScript and so is the child: give it the same loader.
    const typescript = import.meta.url.endsWith('.ts')
    this.child = fork(fileURLToPath(typescript ? new URL('./whisper-child.ts', import.meta.url) : entry), [modelPath, String(threads)], {
      serialization: 'advanced',
      execArgv: typescript ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc']
    })
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000)
    })

    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') resolve({ multilingual: m.multilingual })
        else if (m.type === 'load-failed') reject(new ModelLoadError(m.message))
        else this.settle(m)
      })
      this.child.on('error', (err) => reject(new ModelLoadError(err.message)))
      this.child.on('exit', (code, signal) => {
        this.exited = true
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
        const tail = this.stderr.trim().split('\n').slice(-3).join(' | ')
        const message = `the whisper process ${how}${tail ? `: ${tail}` : ''}`
        reject(new ModelLoadError(message))
        for (const job of this.pending.values()) job.reject(new ProcessCrashError(message))
        this.pending.clear()
      })
    })
    // Callers observe failures through `ready` or `run`; an unobserved rejection must not crash the server.
    this.ready.catch(() => undefined)
  }

  get alive(): boolean {
    return !this.exited
  }

  get busy(): boolean {
    return this.pending.size > 0
  }

  async run(job: Omit<ParentMessage, 'type' | 'id'>): Promise<RunResult> {
    await this.ready
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.child.send({ type: 'run', id, ...job } satisfies ParentMessage)
    })
  }

  /** whisper.cpp cannot be interrupted from JavaScript, so cancelling a job means ending its process. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL')
  }

  async close(): Promise<void> {
    if (this.exited) return
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    if (this.child.connected) this.child.disconnect()
    const timer = setTimeout(() => this.kill(), 5000)
    await gone
    clearTimeout(timer)
  }

  private settle(m: Extract<ChildMessage, { type: 'done' | 'failed' }>): void {
    const job = this.pending.get(m.id)
    if (!job) return
    this.pending.delete(m.id)
    if (m.type === 'done') job.resolve(m)
    else job.reject(new Error(m.message))
  }
}
