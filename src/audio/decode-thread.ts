/**
 * Long compressed recordings are decoded in a thread of their own that ends with the decode. The WASM
 * decoders (FLAC, MP3, Vorbis, Opus) grow their memory to fit the stream and WebAssembly memory never
 * shrinks: on the main thread a 30-minute FLAC left its decoder's memory and the garbage of its blocks
 * in the process for the length of the transcription that followed. A thread that ends returns its whole
 * heap, and the CPU-bound decode and resampling run off the event loop. The samples are written to
 * shared memory, so they cross back without a copy.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { AudioError, type AudioErrorCode } from './errors.js'
import type { AudioSource, InProcessFormat } from './in-process.js'
import type { Mono16kWriter } from './mono16k.js'

export interface DecodeJob {
  source: AudioSource
  /** bytes to decode from the start of the source */
  length: number
  format: InProcessFormat
  /** a WAV header fed to the decoder on its own */
  headerBytes?: number
  maxSeconds: number
  /** expected 16 kHz samples, from the header */
  expectedSamples: number
}

export type DecodeReply = { samples: Float32Array; source?: { sampleRate: number; channels: number } } | { error: { code?: AudioErrorCode; message: string } }

/**
 * Built output runs decode-worker.js. Under tsx or vitest the entry is TypeScript: threads do not inherit
 * the loaders of the thread that made them (and `--import tsx` in a thread's execArgv is not applied to
 * its entry here), so the thread loads it through tsx's own tsImport.
 */
function startWorker(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./decode-worker.js', import.meta.url), options)
  const entry = JSON.stringify(new URL('./decode-worker.ts', import.meta.url).href)
  return new Worker(`import('tsx/esm/api').then((tsx) => tsx.tsImport(${entry}, ${entry}))`, { ...options, eval: true })
}

/**
 * Decodes `job` in a new thread into `out`. Bytes held in memory are copied once and moved to the thread
 * (the caller keeps its own); a file is read by the thread itself. Failures reject as the same decode on
 * this thread would: AudioError with its code and message, anything else as an Error with the decoder's message.
 */
export async function decodeInThread(job: DecodeJob, out: Mono16kWriter): Promise<void> {
  let workerData = job
  const transferList: ArrayBuffer[] = []
  if ('bytes' in job.source) {
    // A copy of its own: Buffer#slice would share (and the transfer then detach) the caller's memory.
    const bytes = new Uint8Array(job.source.bytes.subarray(0, job.length))
    workerData = { ...job, source: { bytes } }
    transferList.push(bytes.buffer as ArrayBuffer)
  }
  const reply = await new Promise<DecodeReply>((resolve, reject) => {
    const worker = startWorker({ workerData, transferList })
    let answer: DecodeReply | undefined
    worker.once('message', (message: DecodeReply) => (answer = message))
    worker.once('error', reject)
    worker.once('exit', (code) => (answer ? resolve(answer) : reject(new Error(`the decoder thread stopped (exit code ${code})`))))
  })
  if ('error' in reply) throw reply.error.code ? new AudioError(reply.error.code, reply.error.message) : new Error(reply.error.message)
  out.adopt(reply.samples, reply.source)
}
