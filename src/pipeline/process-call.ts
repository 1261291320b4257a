import type { FastifyBaseLogger } from 'fastify'
import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import type { BlobStore } from '../storage/types.js'
import { audioKey } from '../storage/keys.js'
import type { SpeechService } from '../stt/service.js'
import type { Transcript } from '../stt/types.js'
import { HttpError } from '../errors.js'
import type { ConversationAnalyzer } from './types.js'
import { startDiarization, understandConversation, type ConversationDeps, type Diarization } from './conversation.js'
import { stageProgress } from './progress.js'

export interface CallOptions {
  engine?: string
  language?: string
  diarize: boolean
  emotion: boolean
  analyze: boolean
  speakersExpected?: number
}

export interface PipelineDeps extends ConversationDeps {
  prisma: PrismaClient
  stt: SpeechService
  analyzer: ConversationAnalyzer
  storage: Pick<BlobStore, 'get'>
  observe: (stage: string, engine: string, seconds: number) => void
  log: FastifyBaseLogger
}

type Progress = (percent: number) => Promise<void>

const json = (v: unknown) => v as Prisma.InputJsonValue

/**
 * decode → transcribe → diarize → emotion → analyze → store, for one call record. Every stage is
 * timed into the record and /metrics and reports progress. A failure after transcription is
 * recorded in `error` and keeps what earlier stages produced; only a failed transcription fails
 * the record.
 */
export async function processCall(deps: PipelineDeps, id: string, opts: CallOptions, progress: Progress = async () => {}) {
  const { prisma, stt } = deps
  const timings: Record<string, number> = {}
  const problems: string[] = []
  let engineName: string
  try {
    engineName = stt.resolve(opts.engine).name
  } catch (err) {
    // The engine named at upload may be gone from this server's configuration by the time the job runs.
    await prisma.callRecord.update({ where: { id }, data: { status: 'failed', error: (err as Error).message } })
    throw err
  }

  async function stage<T>(name: string, engine: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now()
    try {
      return await work()
    } finally {
      const seconds = (performance.now() - t0) / 1000
      timings[name] = Math.round(seconds * 1000)
      if (name !== 'decode' && name !== 'stt') deps.observe(name, engine, seconds)
    }
  }

  await prisma.callRecord.update({ where: { id }, data: { status: 'processing', progress: 1, error: null, engine: engineName } })

  let transcript: Transcript
  let info
  let samples: Float32Array
  let diarization: Promise<Diarization | Error> | undefined
  try {
    const bytes = await deps.storage.get(audioKey(id))
    const decoded = await stage('decode', engineName, () => stt.decode(bytes, opts.engine))
    info = decoded.info
    samples = decoded.samples
    await prisma.callRecord.update({
      where: { id },
      data: { progress: 10, audioFormat: info.codec ? `${info.format}/${info.codec}` : info.format, durationSeconds: info.duration, sampleRate: info.sampleRate, channels: info.channels, sizeBytes: info.sizeBytes }
    })
    await progress(10)
    if (opts.diarize) diarization = startDiarization(deps, { samples, sampleRate: 16000 }, opts.speakersExpected, stage)
    // Recognition is most of the work: its progress fills 10..55.
    const recognised = stageProgress(async (p) => {
      await prisma.callRecord.update({ where: { id }, data: { progress: p } })
      await progress(p)
    }, 10, 55)
    transcript = (await stage('stt', engineName, () => stt.transcribe(decoded, { engine: opts.engine, language: opts.language, wordTimestamps: true, onProgress: recognised.update }).finally(recognised.settled))).transcript
  } catch (err) {
    const message = err instanceof HttpError ? err.message : `Transcription failed: ${(err as Error).message}`
    await prisma.callRecord.update({ where: { id }, data: { status: 'failed', error: message, timings: json(timings) } })
    throw err
  }
  const audio = { samples, sampleRate: 16000 as const }
  await prisma.callRecord.update({
    where: { id },
    data: { progress: 55, transcript: transcript.text, language: transcript.language, words: json(transcript.words), timings: json(timings) }
  })
  await progress(55)

  const conv = await understandConversation(deps, audio, transcript, { diarize: opts.diarize, emotion: opts.emotion, speakersExpected: opts.speakersExpected }, stage, progress, diarization)
  const { utterances, overall, bySpeaker, speakers } = conv
  problems.push(...conv.problems)
  await prisma.callRecord.update({ where: { id }, data: { progress: 80, words: json(conv.words), utterances: json(utterances), timings: json(timings) } })
  await progress(80)

  // Analysis
  let analysis: Awaited<ReturnType<ConversationAnalyzer['analyze']>> | undefined
  if (opts.analyze && transcript.text.trim()) {
    try {
      analysis = await stage('analyze', 'analyzer', () =>
        deps.analyzer.analyze({ utterances, transcript: transcript.text, durationSeconds: transcript.duration, language: transcript.language })
      )
      if (analysis.error) problems.push(analysis.error)
    } catch (err) {
      problems.push(`analysis failed: ${(err as Error).message}`)
    }
  }

  const a = analysis?.analysis
  const emotions = [...new Set([...(overall ? [overall.emotion] : []), ...(a?.emotions ?? [])])]
  const speakerList = speakers.map((s) => ({
    label: s.label,
    role: a?.roles[s.label] ?? null,
    talk_time: Math.round(s.talkTime * 100) / 100,
    emotion: bySpeaker[s.label]?.emotion ?? null,
    sentiment: bySpeaker[s.label]?.sentiment ?? null
  }))
  return prisma.callRecord.update({
    where: { id },
    data: {
      status: 'completed',
      progress: 100,
      error: problems.length ? problems.join('; ') : null,
      speakers: json(speakerList),
      emotions: json(emotions),
      sentiment: overall ? json({ label: overall.sentiment, score: overall.sentimentScore, emotion: overall.emotion, confidence: overall.confidence }) : undefined,
      summary: a?.summary ?? null,
      tags: a?.tags ?? [],
      roles: a ? json(a.roles) : undefined,
      intent: a?.intent ?? null,
      mood: a?.mood ?? null,
      insights: a ? json(a.insights) : undefined,
      entities: a ? json(a.entities) : undefined,
      promptVersion: analysis?.promptVersion ?? null,
      timings: json(timings)
    }
  })
}
