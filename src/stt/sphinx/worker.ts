import type { MessagePort } from 'node:worker_threads'
import { move, workerData } from 'piscina'
import { FRAMES_PER_SECOND, loadAddon, type NativeDecoder, type NativeResult } from './native.js'
import type { DecoderOutput, DecoderTask, FinalChoice, StreamInput, StreamOutput, StreamResult, WorkerConfig } from './protocol.js'
import { findSpeech } from './segment.js'
import { cepstralMeans, farFromChannel, speechSum } from './cmn.js'
import { fillBand } from '../../audio/band-fill.js'

const SAMPLE_RATE = 16000

// One decoder per thread: the model is loaded by the first task and reused by every later one.
let decoder: NativeDecoder | undefined
// The transform the thread's model carries now: undefined is the model as trained, `unknown` follows a failed switch.
const unknown = Symbol('unknown')
let adaptedWith: string | undefined | typeof unknown

/** Switching reloads the model's means (a few milliseconds), so it happens only when a task needs another transform. */
function adaptTo(d: NativeDecoder, mllr: string | undefined): void {
  if (mllr === adaptedWith) return
  adaptedWith = unknown
  d.adapt(mllr)
  adaptedWith = mllr
}

function open(): NativeDecoder {
  if (decoder) return decoder
  const { addon, error } = loadAddon()
  if (!addon) throw new Error(error?.message ?? 'addon not found')
  decoder = new addon.Decoder((workerData as WorkerConfig).args)
  return decoder
}

// The model loads as the thread starts: piscina gives a thread it started on demand no task before its
// module has loaded, so no task waits behind a model load while a loaded thread is free. A failure is
// left for the first task to report.
try {
  open()
} catch {
  decoder = undefined
}

/** Waits (this thread only) until every thread of the pool has taken a load task, or 10 s. */
function gather(barrier: SharedArrayBuffer, threads: number): void {
  const count = new Int32Array(barrier)
  Atomics.add(count, 0, 1)
  Atomics.notify(count, 0)
  const deadline = Date.now() + 10_000
  for (let seen = Atomics.load(count, 0); seen < threads && Date.now() < deadline; seen = Atomics.load(count, 0)) {
    Atomics.wait(count, 0, seen, deadline - Date.now())
  }
}

/**
 * What a finished live utterance leaves: its cepstra summed over its speech (silence left out: it drags
 * c0 down, see cmn.ts), whether that speech lies far from the channel mean `cmn` the live decoder started
 * from, and its final as `final` chooses (see FinalChoice): the live result, or its speech spans decoded
 * again whole, each normalised as an upload's spans are.
 */
function finishUtterance(d: NativeDecoder, samples: Float32Array, live: NativeResult, final: FinalChoice, cmn?: Float32Array): StreamResult {
  const spans = findSpeech(samples, { sampleRate: SAMPLE_RATE })
  const cepstra = spans.map((span) => d.cepstra(samples.subarray(span.start, span.end)))
  const speech = speechSum(cepstra)
  const newVoice = cmn !== undefined && farFromChannel(speech, cmn)
  const whole = final === 'whole' || (final === 'live-unless-new-voice' && newVoice)
  if (!whole || spans.length === 0) return { decoded: [{ offset: 0, result: live }], speech, newVoice }
  const means = cepstralMeans(cepstra)
  const decoded = spans.map((span, i) => {
    d.start(means[i])
    d.process(samples.subarray(span.start, span.end), true)
    return { offset: span.start / SAMPLE_RATE, result: d.end() }
  })
  return { decoded, speech, newVoice }
}

function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

/**
 * Decodes chunks as they arrive on `port`, posting partial hypotheses, until the engine ends or releases
 * it. The utterance's audio is kept (the session caps its length) for the cepstra of its speech, which
 * the engine pools into the stream's channel mean, and for a whole decode when the engine asks for one.
 */
function stream(d: NativeDecoder, port: MessagePort, cmn: Float32Array | undefined): Promise<StreamResult | null> {
  d.start(cmn)
  const chunks: Float32Array[] = []
  let lastPartial = ''
  let failure: Error | undefined
  return new Promise((resolve, reject) => {
    port.on('message', (msg: StreamInput) => {
      if (msg.op === 'chunk') {
        if (failure) return
        chunks.push(msg.samples)
        try {
          const text = d.process(msg.samples)
          if (text !== lastPartial) {
            lastPartial = text
            const words = d.partial().map((w) => ({ word: w.word, start: w.start / FRAMES_PER_SECOND, end: w.end / FRAMES_PER_SECOND }))
            port.postMessage({ op: 'partial', text, words } satisfies StreamOutput)
          }
        } catch (err) {
          // Reported by end(): the session keeps accepting writes until its owner finishes.
          failure = err as Error
        }
        return
      }
      port.close()
      try {
        const live = d.end()
        if (msg.op === 'release') return resolve(null)
        if (failure) return reject(failure)
        resolve(finishUtterance(d, concat(chunks), live, msg.final, cmn))
      } catch (err) {
        reject(failure ?? err)
      }
    })
  })
}

export default async function run(task: DecoderTask): Promise<DecoderOutput> {
  const d = open()
  switch (task.op) {
    case 'load':
      gather(task.barrier, task.threads)
      return null
    case 'decode':
      // The whole utterance in one block is normalised at once: by the mean the engine sends,
      // or by the utterance's own mean.
      adaptTo(d, task.mllr)
      d.start(task.cmn)
      d.process(task.samples, true)
      return d.end()
    case 'cepstra':
      return move(d.cepstra(task.samples)) as Float32Array
    case 'fill':
      // Shared memory, as decoded audio is: the filled copy goes back and on to every thread without another.
      return fillBand(task.samples, task.envelope, new Float32Array(new SharedArrayBuffer(task.samples.length * 4)))
    case 'stream':
      adaptTo(d, task.mllr)
      return stream(d, task.port, task.cmn)
  }
}
