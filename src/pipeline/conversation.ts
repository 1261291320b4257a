import type { PcmAudio, Transcript } from '../stt/types.js'
import type { Utterance } from '../schemas/conversation.js'
import type { Diarizer, EmotionAnalyzer, EmotionOf, SpeakerTurn, SpeakerWord, UtteranceText } from './types.js'

export type Stage = <T>(name: string, engine: string, work: () => Promise<T>) => Promise<T>

export interface ConversationDeps {
  diarizer: Diarizer
  emotion: EmotionAnalyzer
  assignSpeakers: (words: Transcript['words'], turns: SpeakerTurn[]) => { words: SpeakerWord[]; utterances: UtteranceText[] }
}

export type Diarization = Awaited<ReturnType<Diarizer['diarize']>>

/**
 * Starts diarization at once. It needs only the audio, so it runs while the transcript is being
 * made and the two stages overlap instead of adding up. The result settles to an Error instead of
 * rejecting, so an early transcription failure leaves no unhandled rejection behind.
 */
export function startDiarization(deps: ConversationDeps, audio: PcmAudio, speakersExpected: number | undefined, stage: Stage): Promise<Diarization | Error> {
  return stage('diarize', deps.diarizer.name, () => deps.diarizer.diarize(audio, { speakersExpected })).catch((err: Error) => err)
}

export interface Conversation {
  words: SpeakerWord[]
  /** with emotion, sentiment and sentiment_score when emotion analysis ran */
  utterances: Utterance[]
  speakers: { label: string; talkTime: number }[]
  overall?: EmotionOf
  bySpeaker: Record<string, EmotionOf>
  /** stages that failed; what they would have added is missing, the rest stands */
  problems: string[]
}

/** One speaker for the whole recording, cut into utterances at the engine's segments. */
function singleSpeaker(t: Transcript) {
  const words = t.words.map((w) => ({ ...w, speaker: 'A' }))
  const utterances = t.segments.filter((s) => s.text.trim()).map((s) => ({ speaker: 'A', start: s.start, end: s.end, text: s.text.trim() }))
  return { words, utterances, speakers: [{ label: 'A', talkTime: t.duration }] }
}

/** Who spoke when, and how they sounded: diarization then emotion, each allowed to fail alone. */
export async function understandConversation(
  deps: ConversationDeps,
  audio: PcmAudio,
  transcript: Transcript,
  opts: { diarize: boolean; emotion: boolean; speakersExpected?: number },
  stage: Stage,
  progress: (p: number) => Promise<void> = async () => {},
  diarization?: Promise<Diarization | Error>
): Promise<Conversation> {
  const problems: string[] = []
  let merged = singleSpeaker(transcript)
  if (opts.diarize && transcript.words.length > 0) {
    const result = await (diarization ?? startDiarization(deps, audio, opts.speakersExpected, stage))
    if (result instanceof Error) problems.push(`diarization failed: ${result.message}`)
    else if (result.turns.length > 0) merged = { ...deps.assignSpeakers(transcript.words, result.turns), speakers: result.speakers }
  }
  await progress(70)

  let utterances: Utterance[] = merged.utterances
  let overall: EmotionOf | undefined
  let bySpeaker: Record<string, EmotionOf> = {}
  if (opts.emotion && utterances.length > 0) {
    try {
      const withWords = utterances.map((u) => ({ ...u, words: merged.words.filter((w) => w.start >= u.start - 0.01 && w.end <= u.end + 0.01) }))
      const result = await stage('emotion', deps.emotion.name, () => deps.emotion.analyze(audio, withWords))
      utterances = utterances.map((u, i) => ({
        ...u,
        emotion: result.utterances[i]?.emotion,
        sentiment: result.utterances[i]?.sentiment,
        sentiment_score: result.utterances[i]?.sentimentScore
      }))
      overall = result.overall
      bySpeaker = result.bySpeaker
    } catch (err) {
      problems.push(`emotion analysis failed: ${(err as Error).message}`)
    }
  }
  return { words: merged.words, utterances, speakers: merged.speakers, overall, bySpeaker, problems }
}
