/**
 * Child process that owns one whisper.cpp model. @napi-rs/whisper runs `full()` synchronously, and it
 * crashes the process when a worker thread that loaded it exits, so inference lives in its own process:
 * the server's event loop stays free and a native crash costs one job, not the server.
 * Started by whisper-process.ts; speaks the messages declared there.
 */
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ChildMessage, ParentMessage, RawSegment } from './whisper-process.js'

type Binding = typeof import('@napi-rs/whisper')

const [modelPath, threadsArg] = process.argv.slice(2)
const send = (message: ChildMessage) => process.send?.(message)
// A parent that goes away must not leave a model-sized orphan behind.
process.on('disconnect', () => process.exit(0))

let binding: Binding
let whisper: InstanceType<Binding['Whisper']>
try {
  binding = createRequire(import.meta.url)('@napi-rs/whisper') as Binding
  whisper = new binding.Whisper(modelPath, { useGpu: false })
  send({ type: 'ready', multilingual: whisper.isMultilingual !== 0 })
} catch (err) {
  send({ type: 'load-failed', message: (err as Error).message })
  process.exit(1)
}

process.on('message', (message: ParentMessage) => {
  if (message.type !== 'run') return
  run(message).then(
    (result) => send({ type: 'done', id: message.id, ...result }),
    (err: Error) => send({ type: 'failed', id: message.id, message: err.message })
  )
})

async function run(job: Extract<ParentMessage, { type: 'run' }>): Promise<{ segments: RawSegment[]; language: string }> {
  const { Whisper, WhisperFullParams, WhisperSamplingStrategy } = binding
  const params = new WhisperFullParams(WhisperSamplingStrategy.Greedy)
  params.nThreads = Number(threadsArg) || 1
  params.language = job.language ?? 'auto'
  if (job.prompt) params.initialPrompt = job.prompt
  params.printProgress = false
  params.printRealtime = false
  params.printTimestamps = false
  if (job.words) {
    // whisper.cpp's word mode: token timestamps with one word per segment.
    params.tokenTimestamps = true
    params.maxLen = 1
    params.splitOnWord = true
  }
  const segments: RawSegment[] = []
  params.onNewSegment = (s) => segments.push({ text: s.text, start: s.start / 100, end: s.end / 100 })

  const text = whisper.full(params, job.samples)
  // Segment callbacks are queued to this thread while full() blocks it, so they arrive after it returns.
  // Wait until they add up to the returned text (bounded, in case a segment was empty and never sent).
  const squash = (s: string) => s.replace(/\s+/g, '')
  for (let waited = 0; squash(segments.map((s) => s.text).join('')) !== squash(text) && waited < 2000; waited += 5) {
    await sleep(5)
  }
  return { segments, language: Whisper.lang(whisper.fullLangId) ?? job.language ?? 'und' }
}
