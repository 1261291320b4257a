import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import type { PcmAudio, SttEngine, TranscribeOptions, Transcript } from '../types.js'
import { SttError } from './errors.js'
import { DOWNLOAD_HINT, readGgmlHeader } from './ggml.js'
import { ModelLoadError, WhisperProcess } from './whisper-process.js'
import { toWhisperTranscript } from './whisper-transcript.js'

export interface WhisperEngineOptions {
  /** WHISPER_MODEL_PATH: a whisper.cpp ggml model, e.g. data/models/ggml-base.en.bin */
  modelPath?: string
  /** processes, each holding one copy of the model (default 1; whisper.cpp already uses every core) */
  poolSize?: number
  /** threads per process (default: cores / poolSize) */
  threads?: number
}

const SAMPLE_RATE = 16000
const ENGINE = 'whisper'

/**
 * Local whisper.cpp through @napi-rs/whisper, run in child processes (see whisper-child.ts). The model
 * loads on warm() or on the first request; a missing or wrong model file makes the engine unavailable
 * with a reason and never reaches native code.
 */
export function createWhisperEngine(opts: WhisperEngineOptions = {}): SttEngine {
  const poolSize = Math.max(1, opts.poolSize ?? 1)
  const threads = Math.max(1, opts.threads ?? Math.floor(availableParallelism() / poolSize))
  const processes: WhisperProcess[] = []
  const leased = new Set<WhisperProcess>()
  const waiting: Array<{ resolve(p: WhisperProcess): void; reject(err: Error): void }> = []
  let loadError: string | undefined
  let multilingual = true

  async function check(): Promise<{ ok: boolean; reason?: string }> {
    try {
      createRequire(import.meta.url).resolve('@napi-rs/whisper')
    } catch {
      return { ok: false, reason: 'The whisper engine needs the @napi-rs/whisper package: run npm install.' }
    }
    const model = await readGgmlHeader(opts.modelPath)
    if ('problem' in model) return { ok: false, reason: model.problem }
    multilingual = model.header.multilingual
    if (loadError) return { ok: false, reason: loadError }
    return { ok: true }
  }

  /** Starts the processes once; a failed load is remembered so a bad file is not reloaded per request. */
  async function start(): Promise<void> {
    const status = await check()
    if (!status.ok) throw new SttError(ENGINE, 'engine_unavailable', status.reason ?? 'The whisper engine is unavailable.')
    while (processes.length < poolSize) processes.push(new WhisperProcess(opts.modelPath!, threads))
    try {
      await Promise.all(processes.map((p) => p.ready))
    } catch (err) {
      loadError = `whisper.cpp could not load WHISPER_MODEL_PATH=${opts.modelPath} (${(err as Error).message}). ${DOWNLOAD_HINT}`
      await Promise.all(processes.splice(0).map((p) => p.close()))
      throw new SttError(ENGINE, 'engine_unavailable', loadError, undefined, { cause: err })
    }
  }

  /** Leases an idle process; one that crashed or was killed is replaced first (reloading the model). */
  async function acquire(): Promise<WhisperProcess> {
    for (let i = 0; i < processes.length; i++) {
      if (!processes[i].alive && !leased.has(processes[i])) processes[i] = new WhisperProcess(opts.modelPath!, threads)
    }
    const idle = processes.find((p) => !leased.has(p))
    const p = idle ?? (await new Promise<WhisperProcess>((resolve, reject) => waiting.push({ resolve, reject })))
    leased.add(p)
    return p
  }

  function release(p: WhisperProcess): void {
    leased.delete(p)
    const i = processes.indexOf(p)
    if (i >= 0 && !p.alive) processes[i] = new WhisperProcess(opts.modelPath!, threads)
    const next = waiting.shift()
    if (next && i >= 0) {
      leased.add(processes[i])
      next.resolve(processes[i])
    }
  }

  return {
    name: ENGINE,
    available: check,
    warm: start,

    async transcribe(audio: PcmAudio, options: TranscribeOptions = {}): Promise<Transcript> {
      await start()
      if (options.language && !multilingual && !/^en\b/i.test(options.language)) {
        throw new SttError(
          ENGINE,
          'engine_rejected',
          `The whisper model at WHISPER_MODEL_PATH is English-only; it cannot transcribe "${options.language}". Use a multilingual model (e.g. base).`
        )
      }
      options.signal?.throwIfAborted()
      const words = options.wordTimestamps !== false
      const p = await acquire()
      const onAbort = () => p.kill()
      options.signal?.addEventListener('abort', onAbort, { once: true })
      try {
        const result = await p.run({ samples: audio.samples, language: options.language, prompt: options.prompt, words })
        return toWhisperTranscript(result.segments, words, result.language, audio.samples.length / SAMPLE_RATE)
      } catch (err) {
        options.signal?.throwIfAborted()
        if (err instanceof ModelLoadError)
          throw new SttError(ENGINE, 'engine_unavailable', `The whisper engine could not start: ${err.message}`, undefined, { cause: err })
        throw new SttError(ENGINE, 'engine_failed', `The whisper engine failed: ${(err as Error).message}`, undefined, { cause: err })
      } finally {
        options.signal?.removeEventListener('abort', onAbort)
        release(p)
      }
    },

    async close() {
      for (const w of waiting.splice(0)) w.reject(new SttError(ENGINE, 'engine_unavailable', 'The whisper engine is shutting down.'))
      await Promise.all(processes.splice(0).map((p) => p.close()))
    }
  }
}
