import fp from 'fastify-plugin'
import { createHash, randomUUID } from 'node:crypto'
import { Prisma } from '../../generated/prisma/client.js'
import type { CallRecord } from '../../generated/prisma/client.js'
import { deleteCall, getOwnedCall } from '../../calls/store.js'
import { audioKey } from '../../storage/keys.js'
import { detectAudio } from '../../audio/index.js'
import { processCall, type CallOptions } from '../../pipeline/process-call.js'
import { analyzeRecording, type RecordingOptions, type RecordingResult } from '../../pipeline/recording.js'
import type { CallOptionsInput } from '../../schemas/call-options.js'
import { assignSpeakers } from '../../diarization/index.js'
import { conflict, HttpError, unavailable } from '../../errors.js'
import { createCallLeases, type CallLeases } from '../../jobs/call-leases.js'
import { COULD_NOT_QUEUE } from '../../jobs/recover-calls.js'
import { QueueUnavailableError } from '../../queue/errors.js'

export interface Calls {
  /** A taken Idempotency-Key (a concurrent retry) is a 409. */
  create(input: { ownerId: string | null; filename: string; bytes: Uint8Array; options: CallOptionsInput; idempotencyKey?: string }): Promise<CallRecord>
  /**
   * The record an earlier request with this Idempotency-Key created within 24 hours, or null; a 409
   * when that request had another file or other options.
   */
  replay(ownerId: string | null, key: string, bytes: Uint8Array, options: CallOptionsInput): Promise<CallRecord | null>
  /**
   * Runs the pipeline now; resolves with the finished record (as it is, untouched, if it is no longer queued).
   * An aborted `signal` fails the record with the signal's reason and rejects with it.
   */
  process(id: string, options: CallOptionsInput, progress?: (p: number) => Promise<void>, signal?: AbortSignal): Promise<CallRecord>
  /** A 503 (and the record failed with COULD_NOT_QUEUE) when the queue cannot take the job in time. */
  enqueue(id: string, options: CallOptionsInput): Promise<void>
  /** Records this process holds in memory, with their heartbeat (see jobs/call-leases.ts). */
  leases: CallLeases
  remove(ownerId: string | null, id: string): Promise<void>
  /** The same pipeline over audio that is neither stored nor recorded (the voice-analytics route). */
  analyzeAudio(bytes: Uint8Array, options: RecordingOptions): Promise<RecordingResult>
}

declare module 'fastify' {
  interface FastifyInstance {
    calls: Calls
  }
}

const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000

/** The file and options of an upload: a retry has the same, a different request under a reused key does not. */
function requestHash(bytes: Uint8Array, options: CallOptionsInput): string {
  const sorted = Object.fromEntries(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)))
  return createHash('sha256').update(bytes).update(JSON.stringify(sorted)).digest('hex')
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
    const leases = createCallLeases(db.prisma, { leaseMs: fastify.config.JOB_LEASE_MS, log: fastify.log })
    fastify.addHook('onClose', async () => leases.close())

    // A recording the pipeline rejected (corrupt, too long) is never processed again: only its record
    // and reason stay. Server-side failures (5xx) keep the audio, so the call can be run again.
    const dropRejectedAudio = async (id: string, err: unknown) => {
      if (fastify.config.KEEP_FAILED_AUDIO || !(err instanceof HttpError) || err.statusCode >= 500) return
      try {
        await storage.delete(audioKey(id))
        await db.prisma.callRecord.updateMany({ where: { id }, data: { audioPath: null } })
      } catch (deleteErr) {
        fastify.log.warn({ callId: id, err: (deleteErr as Error).message }, 'could not delete the audio of a rejected call')
      }
    }

    const calls: Calls = {
      async create({ ownerId, filename, bytes, options, idempotencyKey }) {
        // Held from its first row on: recovery never mistakes an upload in progress for an orphan.
        const id = randomUUID()
        leases.hold(id)
        const idempotency = idempotencyKey ? { idempotencyKey, requestHash: requestHash(bytes, options) } : {}
        let record: CallRecord
        try {
          record = await db.prisma.callRecord.create({
            data: {
              id,
              ownerId,
              filename,
              sizeBytes: bytes.length,
              options: options as object,
              webhookUrl: options.webhook_url ?? null,
              ...idempotency,
              ...leases.claim()
            }
          })
        } catch (err) {
          leases.release(id)
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
            throw conflict('A request with this Idempotency-Key is still being received: retry in a moment to get its record.', 'idempotency_key_in_use')
          }
          throw err
        }
        try {
          await storage.put(audioKey(record.id), bytes, { contentType: detectAudio(bytes)?.mime ?? 'application/octet-stream' })
        } catch (err) {
          leases.release(id)
          await db.prisma.callRecord.update({
            where: { id: record.id },
            data: { status: 'failed', error: `Could not store the audio: ${(err as Error).message}` }
          })
          throw err
        }
        await db.prisma.callRecord.update({ where: { id: record.id }, data: { audioPath: audioKey(record.id) } })
        return record
      },
      async replay(ownerId, key, bytes, options) {
        const record = await db.prisma.callRecord.findFirst({ where: { ownerId, idempotencyKey: key } })
        if (!record) return null
        if (record.createdAt.getTime() < Date.now() - IDEMPOTENCY_WINDOW_MS) {
          // Expired: the key is free again for a new upload.
          await db.prisma.callRecord.updateMany({ where: { id: record.id }, data: { idempotencyKey: null } })
          return null
        }
        if (record.requestHash !== requestHash(bytes, options)) {
          throw conflict(
            'This Idempotency-Key was used in the last 24 hours for a different upload (another file or other options): send a new key for a new upload.',
            'idempotency_key_reused'
          )
        }
        if (record.status === 'failed' && record.error === COULD_NOT_QUEUE) {
          // The earlier try never reached the queue: this retry queues the same record.
          leases.hold(record.id)
          await db.prisma.callRecord.update({ where: { id: record.id }, data: { status: 'queued', error: null, ...leases.claim() } })
          await calls.enqueue(record.id, options)
          return { ...record, status: 'queued', error: null }
        }
        return record
      },
      async process(id, options, progress, signal) {
        leases.hold(id)
        try {
          // Claimed only while still queued: a job that arrives late (its upload already gave up) does nothing.
          const { count } = await db.prisma.callRecord.updateMany({
            where: { id, status: { in: ['queued', 'processing'] } },
            data: { attempts: { increment: 1 }, ...leases.claim() }
          })
          if (count === 0) return await db.prisma.callRecord.findUniqueOrThrow({ where: { id } })
          const record = await processCall(deps, id, { ...pipelineOptions(options), signal }, progress).catch(async (err: unknown) => {
            await dropRejectedAudio(id, err)
            throw err
          })
          metrics.audioSeconds.inc({ engine: record.engine ?? 'unknown' }, record.durationSeconds ?? 0)
          return record
        } finally {
          leases.release(id)
          if (options.webhook_url) await queue.add('deliver-webhook', { id }, { jobId: `webhook-${id}` })
        }
      },
      async analyzeAudio(bytes, options) {
        const result = await analyzeRecording(deps, bytes, options)
        metrics.audioSeconds.inc({ engine: result.engine }, result.transcript.duration)
        return result
      },
      async enqueue(id, options) {
        try {
          await queue.add('process-call', { id, options }, { jobId: id })
        } catch (err) {
          if (!(err instanceof QueueUnavailableError)) throw err
          leases.release(id)
          await db.prisma.callRecord.updateMany({
            where: { id, status: 'queued' },
            data: { status: 'failed', error: COULD_NOT_QUEUE, processingBy: null, heartbeatAt: null }
          })
          fastify.log.warn({ callId: id, err: err.message }, 'could not queue a call')
          throw unavailable(
            'Could not queue the call: the job queue (Redis) is unreachable. Retry in a moment; send the same Idempotency-Key to reuse this upload.',
            'queue_unavailable'
          )
        }
        // Redis holds the job now; in memory this process still does, until the job has run.
        if (queue.kind === 'bullmq') leases.release(id)
      },
      async remove(ownerId, id) {
        // The audio goes first: if the store fails, the record stays and the delete can be retried.
        await getOwnedCall(db.prisma, ownerId, id)
        await storage.delete(audioKey(id))
        await deleteCall(db.prisma, ownerId, id)
      },
      leases
    }
    fastify.decorate('calls', calls)
  },
  { name: 'calls', dependencies: ['db', 'stt', 'diarization', 'emotion', 'analysis', 'queue', 'metrics', 'storage'] }
)
