import type { FastifyBaseLogger } from 'fastify'
import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import type { BlobStore } from '../storage/types.js'
import { audioKey } from '../storage/keys.js'
import { HttpError } from '../errors.js'
import { analyzeRecording, type RecordingDeps, type RecordingOptions } from './recording.js'

export type CallOptions = RecordingOptions

export interface PipelineDeps extends RecordingDeps {
  prisma: PrismaClient
  storage: Pick<BlobStore, 'get'>
  log: FastifyBaseLogger
}

type Progress = (percent: number) => Promise<void>

const json = (v: unknown) => v as Prisma.InputJsonValue

/**
 * Runs the pipeline (analyzeRecording) over one call record's stored audio and keeps the record in
 * step: each stage's result is saved as it lands, with timings and progress. Only a failed decode or
 * transcription fails the record (with its reason); later failures are noted in `error` and keep
 * everything earlier stages produced.
 */
export async function processCall(deps: PipelineDeps, id: string, opts: CallOptions, progress: Progress = async () => {}) {
  const { prisma, stt } = deps
  const timings: Record<string, number> = {}
  const fail = (message: string) => prisma.callRecord.update({ where: { id }, data: { status: 'failed', error: message, timings: json(timings) } })

  let engine: string
  try {
    engine = stt.resolve(opts.engine).name
  } catch (err) {
    // The engine named at upload may be gone from this server's configuration by the time the job runs.
    await fail((err as Error).message)
    throw err
  }
  await prisma.callRecord.update({ where: { id }, data: { status: 'processing', progress: 1, error: null, engine } })

  const save = (data: Prisma.CallRecordUpdateInput) => prisma.callRecord.update({ where: { id }, data })
  let result
  try {
    const bytes = await deps.storage.get(audioKey(id))
    result = await analyzeRecording(deps, bytes, opts, timings, {
      decoded: async (info) => {
        await save({
          audioFormat: info.codec ? `${info.format}/${info.codec}` : info.format,
          durationSeconds: info.duration,
          sampleRate: info.sampleRate,
          channels: info.channels,
          sizeBytes: info.sizeBytes
        })
      },
      progress: async (p) => {
        await save({ progress: p })
        await progress(p)
      },
      transcribed: async (t) => {
        await save({ transcript: t.text, language: t.language, words: json(t.words), timings: json(timings) })
      },
      understood: async (c) => {
        await save({ words: json(c.words), utterances: json(c.utterances), timings: json(timings) })
      }
    })
  } catch (err) {
    // The engine stopped under this run because the process is shutting down: the record stays as it
    // is, for the job's retry or the recovery sweep of the next start (which fails a synchronous upload).
    if (err instanceof HttpError && err.code === 'engine_stopped') throw err
    await fail(err instanceof HttpError ? err.message : `Transcription failed: ${(err as Error).message}`)
    throw err
  }

  const a = result.analysis?.analysis
  return save({
    status: 'completed',
    progress: 100,
    error: result.problems.length ? result.problems.join('; ') : null,
    speakers: json(result.speakers),
    emotions: json(result.emotions),
    sentiment: result.sentiment ? json(result.sentiment) : undefined,
    summary: a?.summary ?? null,
    tags: a?.tags ?? [],
    roles: a ? json(a.roles) : undefined,
    intent: a?.intent ?? null,
    mood: a?.mood ?? null,
    insights: a ? json(a.insights) : undefined,
    entities: a ? json(a.entities) : undefined,
    promptVersion: result.analysis?.promptVersion ?? null,
    timings: json(timings)
  })
}
