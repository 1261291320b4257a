/**
 * Entry of a decoder thread (see decode-thread.ts): decodes one recording into shared 16 kHz samples,
 * posts them back and ends, taking its heap and the WASM decoder's memory with it.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { AudioError } from './errors.js'
import { decodeInProcess, openSource } from './in-process.js'
import { Mono16kWriter } from './mono16k.js'
import type { DecodeJob, DecodeReply } from './decode-thread.js'

async function run(job: DecodeJob): Promise<DecodeReply> {
  const { bytes, close } = await openSource(job.source, job.length)
  try {
    const out = new Mono16kWriter(job.maxSeconds, job.expectedSamples)
    await decodeInProcess(bytes, job.length, job.format, out, job.headerBytes)
    return { samples: out.finish(), source: out.source }
  } finally {
    await close()
  }
}

run(workerData as DecodeJob).then(
  (reply) => parentPort!.postMessage(reply),
  (err: unknown) => {
    const error = err instanceof AudioError ? { code: err.code, message: err.message } : { message: err instanceof Error ? err.message : String(err) }
    parentPort!.postMessage({ error } satisfies DecodeReply)
  }
)
