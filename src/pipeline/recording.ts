import type { DecodedAudio } from '../audio/index.js'
import type { SpeechService } from '../stt/service.js'
import type { Transcript } from '../stt/types.js'
import type { Sentiment, Speaker } from '../schemas/conversation.js'
import type { ConversationAnalyzer } from './types.js'
import { startDiarization, understandConversation, type Conversation, type ConversationDeps, type Diarization } from './conversation.js'
import { stageProgress } from './progress.js'

export interface RecordingOptions {
  engine?: string
  language?: string
  diarize: boolean
  emotion: boolean
  analyze: boolean
  speakersExpected?: number
  /** stops the work between stages and inside recognition; the pipeline rejects with its reason */
  signal?: AbortSignal
}

export interface RecordingDeps extends ConversationDeps {
  stt: SpeechService
  analyzer: ConversationAnalyzer
  observe: (stage: string, engine: string, seconds: number) => void
}

/** Checkpoints, so a caller that keeps a record can save each stage's result as it lands. */
export interface RecordingEvents {
  decoded?(info: DecodedAudio['info']): Promise<void>
  /** 10 after decoding, 10..55 during recognition, 55, 70, 80 */
  progress?(percent: number): Promise<void>
  transcribed?(transcript: Transcript): Promise<void>
  understood?(conversation: Conversation): Promise<void>
}

export interface RecordingResult {
  engine: string
  audio: DecodedAudio['info']
  transcript: Transcript
  conversation: Conversation
  speakers: Speaker[]
  /** the overall emotion followed by the analysis' emotions, without repeats */
  emotions: string[]
  sentiment: Sentiment | null
  analysis?: Awaited<ReturnType<ConversationAnalyzer['analyze']>>
  /** stages that failed after transcription; what they would have added is missing, the rest stands */
  problems: string[]
}

const round2 = (n: number) => Math.round(n * 100) / 100

/**
 * The one pipeline every route that analyses audio goes through: decode → (diarize ∥ transcribe) →
 * emotion → analyze. Diarization needs only the audio, so it overlaps with recognition. Only a
 * failed decode or transcription throws; a later stage that fails is reported in `problems`.
 * `timings` (milliseconds per stage) is filled in as stages finish, also when it throws.
 */
export async function analyzeRecording(
  deps: RecordingDeps,
  bytes: Uint8Array,
  opts: RecordingOptions,
  timings: Record<string, number> = {},
  events: RecordingEvents = {}
): Promise<RecordingResult> {
  const { stt } = deps
  const engine = stt.resolve(opts.engine).name
  const progress = events.progress ?? (async () => {})

  async function stage<T>(name: string, engineName: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now()
    try {
      return await work()
    } finally {
      const seconds = (performance.now() - t0) / 1000
      timings[name] = Math.round(seconds * 1000)
      // The speech service observes its own decode and recognition times.
      if (name !== 'decode' && name !== 'stt') deps.observe(name, engineName, seconds)
    }
  }

  const decoded = await stage('decode', engine, () => stt.decode(bytes, opts.engine))
  opts.signal?.throwIfAborted()
  await events.decoded?.(decoded.info)
  await progress(10)
  const audio = { samples: decoded.samples, sampleRate: 16000 as const }
  let diarization: Promise<Diarization | Error> | undefined
  if (opts.diarize) diarization = startDiarization(deps, audio, opts.speakersExpected, stage)
  // Recognition is most of the work: its progress fills 10..55.
  const recognised = stageProgress(progress, 10, 55)
  const { transcript } = await stage('stt', engine, () =>
    stt
      .transcribe(decoded, { engine: opts.engine, language: opts.language, wordTimestamps: true, onProgress: recognised.update, signal: opts.signal })
      .finally(recognised.settled)
  )
  opts.signal?.throwIfAborted()
  await events.transcribed?.(transcript)
  await progress(55)

  const conversation = await understandConversation(
    deps,
    audio,
    transcript,
    { diarize: opts.diarize, emotion: opts.emotion, speakersExpected: opts.speakersExpected },
    stage,
    progress,
    diarization
  )
  const problems = [...conversation.problems]
  await events.understood?.(conversation)
  await progress(80)

  let analysis: RecordingResult['analysis']
  if (opts.analyze && transcript.text.trim()) {
    try {
      analysis = await stage('analyze', 'analyzer', () =>
        deps.analyzer.analyze({
          utterances: conversation.utterances,
          transcript: transcript.text,
          durationSeconds: transcript.duration,
          language: transcript.language
        })
      )
      if (analysis.error) problems.push(analysis.error)
    } catch (err) {
      problems.push(`analysis failed: ${(err as Error).message}`)
    }
  }

  const { overall, bySpeaker } = conversation
  const a = analysis?.analysis
  return {
    engine,
    audio: decoded.info,
    transcript,
    conversation,
    speakers: conversation.speakers.map((s) => ({
      label: s.label,
      role: a?.roles[s.label] ?? null,
      talk_time: round2(s.talkTime),
      emotion: bySpeaker[s.label]?.emotion ?? null,
      sentiment: bySpeaker[s.label]?.sentiment ?? null
    })),
    emotions: [...new Set([...(overall ? [overall.emotion] : []), ...(a?.emotions ?? [])])],
    sentiment: overall ? { label: overall.sentiment, score: overall.sentimentScore, emotion: overall.emotion, confidence: overall.confidence } : null,
    analysis,
    problems
  }
}
