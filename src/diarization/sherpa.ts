import { stat } from 'node:fs/promises'
import type { PcmAudio } from '../stt/types.js'
import { HttpError } from '../errors.js'
import { SherpaProcess } from './sherpa-process.js'
import { labelTurns } from './turns.js'
import type { DiarizationEngine, DiarizationResult, DiarizeOptions } from './types.js'

export interface SherpaOptions {
  /** pyannote segmentation ONNX model (SHERPA_SEGMENTATION_MODEL) */
  segmentationModel?: string
  /** speaker-embedding ONNX model, e.g. 3D-Speaker or WeSpeaker (SHERPA_EMBEDDING_MODEL) */
  embeddingModel?: string
  /** cosine clustering threshold when the speaker count is not given; sherpa's own default */
  threshold?: number
}

const SETUP = 'set SHERPA_SEGMENTATION_MODEL and SHERPA_EMBEDDING_MODEL to a pyannote segmentation and a speaker-embedding ONNX file'

/**
 * Diarization with sherpa-onnx (pyannote segmentation + neural speaker embeddings): more robust than the
 * built-in method on real calls, but it needs two model files that no package ships. The native addon runs
 * in a child process, loaded on first use.
 */
export function createSherpaDiarizer(opts: SherpaOptions): DiarizationEngine {
  let child: SherpaProcess | undefined
  // A model that failed to load is not retried until one of the files changes.
  let failed: { key: string; reason: string } | undefined
  let starting: Promise<{ ok: boolean; reason?: string }> | undefined

  async function check(): Promise<{ ok: boolean; reason?: string }> {
    const files = { SHERPA_SEGMENTATION_MODEL: opts.segmentationModel, SHERPA_EMBEDDING_MODEL: opts.embeddingModel }
    const unset = Object.entries(files)
      .filter(([, path]) => !path)
      .map(([name]) => name)
    if (unset.length) return { ok: false, reason: `${unset.join(' and ')} not set: ${SETUP}` }
    const stamps: string[] = []
    for (const [name, path] of Object.entries(files)) {
      const info = await stat(path as string).catch(() => undefined)
      if (!info?.isFile()) return { ok: false, reason: `${name} points to ${path}, which is not a file` }
      stamps.push(`${path}:${info.size}:${info.mtimeMs}`)
    }
    const key = stamps.join('|')
    if (failed?.key === key) return { ok: false, reason: failed.reason }
    if (child?.alive) return { ok: true }
    // Concurrent first calls share one child rather than each starting their own.
    starting ??= start(key).finally(() => (starting = undefined))
    return starting
  }

  async function start(key: string): Promise<{ ok: boolean; reason?: string }> {
    try {
      // Loaded lazily so that a server without the optional package still starts with the built-in engine.
      const pkg = 'sherpa-onnx-node'
      await import(pkg)
    } catch (err) {
      return { ok: false, reason: `sherpa-onnx-node cannot be loaded (npm i sherpa-onnx-node): ${(err as Error).message}` }
    }
    const proc = new SherpaProcess(opts.segmentationModel as string, opts.embeddingModel as string)
    try {
      await proc.ready
      child = proc
      return { ok: true }
    } catch (err) {
      failed = { key, reason: `the models could not be loaded: ${(err as Error).message}` }
      return { ok: false, reason: failed.reason }
    }
  }

  return {
    name: 'sherpa-onnx',
    available: check,
    async diarize(audio: PcmAudio, o: DiarizeOptions = {}): Promise<DiarizationResult> {
      const status = await check()
      if (!status.ok || !child) throw new HttpError(503, 'engine_unavailable', `sherpa-onnx diarization is unavailable: ${status.reason}`)
      o.signal?.throwIfAborted()
      const proc = child
      // The native call cannot be interrupted: an abort stops the child, and the next call starts another.
      const onAbort = () => proc.kill()
      o.signal?.addEventListener('abort', onAbort, { once: true })
      try {
        const threshold = opts.threshold ?? 0.5
        let segments = await proc.run(audio.samples, o.speakersExpected ?? -1, threshold)
        const max = o.maxSpeakers ?? 6
        if (!o.speakersExpected && new Set(segments.map((s) => s.speaker)).size > max) segments = await proc.run(audio.samples, max, threshold)
        const sorted = [...segments].sort((a, b) => a.start - b.start)
        return labelTurns(sorted.map((s) => ({ start: s.start, end: s.end, label: s.speaker })))
      } catch (err) {
        if (o.signal?.aborted) throw o.signal.reason
        throw new HttpError(500, 'diarization_failed', `sherpa-onnx diarization failed: ${(err as Error).message}`)
      } finally {
        o.signal?.removeEventListener('abort', onAbort)
      }
    },
    async close() {
      child?.kill()
      child = undefined
    }
  }
}
