import fp from 'fastify-plugin'
import type { CallRecord } from '../../generated/prisma/client.js'
import { deleteCall, getOwnedCall } from '../../calls/store.js'
import { audioKey } from '../../storage/keys.js'
import { detectAudio } from '../../audio/index.js'
import { processCall, type CallOptions } from '../../pipeline/process-call.js'
import { analyzeRecording, type RecordingOptions, type RecordingResult } from '../../pipeline/recording.js'
import type { CallOptionsInput } from '../../schemas/call-options.js'
import { assignSpeakers } from '../../diarization/index.js'

export interface Calls {
  create(input: { ownerId: string | null; filename: string; bytes: Uint8Array; options: CallOptionsInput }): Promise<CallRecord>
  /** Runs the pipeline now; resolves with the finished record. */
  process(id: string, options: CallOptionsInput, progress?: (p: number) => Promise<void>): Promise<CallRecord>
  enqueue(id: string, options: CallOptionsInput): Promise<void>
  remove(ownerId: string | null, id: string): Promise<void>
  /** The same pipeline over audio that is neither stored nor recorded (the voice-analytics route). */
  analyzeAudio(bytes: Uint8Array, options: RecordingOptions): Promise<RecordingResult>
}

declare module 'fastify' {
  interface FastifyInstance {
    calls: Calls
  }
}

const pipelineOptions = (o: CallOptionsInput): CallOptions => ({
  engine: o.engine,
  language: o.language,
  diarize: o.diarize,
  emotion: o.emotion,
  analyze: o.analyze,
  speakersExpected: o.speakers_expected
})

/** Call records: stored audio, the processing pipeline, and its jobs. */
export default fp(
  async (fastify) => {
    const { db, stt, diarization, emotion, analysis, queue, metrics, storage } = fastify
    const deps = {
      prisma: db.prisma,
      stt,
      diarizer: diarization,
      emotion,
      analyzer: analysis,
      storage,
      assignSpeakers,
      observe: (stage: string, engine: string, seconds: number) => metrics.stageDuration.observe({ stage, engine }, seconds),
      log: fastify.log
    }

    const calls: Calls = {
      async create({ ownerId, filename, bytes, options }) {
        const record = await db.prisma.callRecord.create({
          data: { ownerId, filename, sizeBytes: bytes.length, options: options as object, webhookUrl: options.webhook_url ?? null }
        })
        try {
          await storage.put(audioKey(record.id), bytes, { contentType: detectAudio(bytes)?.mime ?? 'application/octet-stream' })
        } catch (err) {
          await db.prisma.callRecord.update({ where: { id: record.id }, data: { status: 'failed', error: `Could not store the audio: ${(err as Error).message}` } })
          throw err
        }
        await db.prisma.callRecord.update({ where: { id: record.id }, data: { audioPath: audioKey(record.id) } })
        return record
      },
      async process(id, options, progress) {
        try {
          const record = await processCall(deps, id, pipelineOptions(options), progress)
          metrics.audioSeconds.inc({ engine: record.engine ?? 'unknown' }, record.durationSeconds ?? 0)
          return record
        } finally {
          if (options.webhook_url) await queue.add('deliver-webhook', { id }, { jobId: `webhook-${id}` })
        }
      },
      async analyzeAudio(bytes, options) {
        const result = await analyzeRecording(deps, bytes, options)
        metrics.audioSeconds.inc({ engine: result.engine }, result.transcript.duration)
        return result
      },
      async enqueue(id, options) {
        await queue.add('process-call', { id, options }, { jobId: id })
      },
      async remove(ownerId, id) {
        // The audio goes first: if the store fails, the record stays and the delete can be retried.
        await getOwnedCall(db.prisma, ownerId, id)
        await storage.delete(audioKey(id))
        await deleteCall(db.prisma, ownerId, id)
      }
    }
    fastify.decorate('calls', calls)
  },
  { name: 'calls', dependencies: ['db', 'stt', 'diarization', 'emotion', 'analysis', 'queue', 'metrics', 'storage'] }
)
