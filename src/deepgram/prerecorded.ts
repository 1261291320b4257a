import { randomUUID } from 'node:crypto'
import type { RecordingResult } from '../pipeline/recording.js'
import type { SpeakerWord } from '../pipeline/types.js'
import type { DeepgramWord, ListenQuery, ListenResponse } from './schema.js'

const round3 = (n: number) => Math.round(n * 1000) / 1000
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)

/** Deepgram's `language` is a BCP-47 tag (en-US); engines take the primary language, and `multi` means any. */
export function engineLanguage(language: string | undefined): string | undefined {
  if (!language || language === 'multi') return undefined
  return language.split(/[-_]/)[0]!.toLowerCase()
}

/** What the engine recognised, in Deepgram's word shape; `sentenceEnd` marks the last word of an utterance. */
export function deepgramWord(
  w: { word: string; start: number; end: number; confidence: number },
  punctuate: boolean,
  sentenceStart: boolean,
  sentenceEnd: boolean
) {
  const word: DeepgramWord = { word: w.word.toLowerCase(), start: round3(w.start), end: round3(w.end), confidence: round3(w.confidence) }
  if (punctuate) {
    let p = sentenceStart ? w.word.charAt(0).toUpperCase() + w.word.slice(1) : w.word
    if (sentenceEnd && !/[.?!]$/.test(p)) p += '.'
    word.punctuated_word = p
  }
  return word
}

export const transcriptOf = (words: DeepgramWord[]) => words.map((w) => w.punctuated_word ?? w.word).join(' ')

/**
 * Turns the pipeline's result into Deepgram's pre-recorded response: one channel, one alternative,
 * speakers numbered from 0 in order of first appearance, utterances as the pipeline cut them (at
 * pauses and speaker turns).
 */
export function toListenResponse(result: RecordingResult, query: ListenQuery, meta: { requestId: string; sha256: string }): ListenResponse {
  const { conversation, transcript, engine } = result
  const punctuate = Boolean(query.punctuate || query.smart_format)
  const speakerNumber = new Map(conversation.speakers.map((s, i) => [s.label, i]))

  // Each word belongs to the utterance whose time span holds it; a sentence ends with its utterance.
  const spans = conversation.utterances.map((u) => ({ ...u, words: [] as DeepgramWord[] }))
  let u = 0
  const spanOf = conversation.words.map((w) => {
    while (u < spans.length - 1 && w.start >= spans[u]!.end - 0.01) u++
    return u
  })
  const words = conversation.words.map((w: SpeakerWord, i) => {
    const span = spans[spanOf[i]!]
    const word = deepgramWord(w, punctuate, spanOf[i - 1] !== spanOf[i], spanOf[i + 1] !== spanOf[i])
    if (query.diarize) word.speaker = speakerNumber.get(w.speaker) ?? 0
    span?.words.push(word)
    return word
  })

  const response: ListenResponse = {
    metadata: {
      transaction_key: 'deprecated',
      request_id: meta.requestId,
      sha256: meta.sha256,
      created: new Date().toISOString(),
      duration: round3(transcript.duration),
      channels: 1,
      models: [engine],
      model_info: { [engine]: { name: engine, version: 'voxlens', arch: engine } }
    },
    results: {
      channels: [
        {
          alternatives: [{ transcript: transcriptOf(words), confidence: round3(mean(words.map((w) => w.confidence))), words }],
          ...(transcript.language && { detected_language: transcript.language })
        }
      ]
    }
  }

  if (query.utterances) {
    response.results.utterances = spans
      .filter((s) => s.words.length > 0)
      .map((s) => ({
        id: randomUUID(),
        start: round3(s.start),
        end: round3(s.end),
        confidence: round3(mean(s.words.map((w) => w.confidence))),
        channel: 0,
        transcript: transcriptOf(s.words),
        words: s.words,
        ...(query.diarize && { speaker: speakerNumber.get(s.speaker) ?? 0 })
      }))
  }

  if (query.sentiment && conversation.overall) {
    let index = 0
    response.results.sentiments = {
      segments: spans.map((s) => {
        const start = index
        index += s.words.length
        return {
          text: s.text,
          start_word: start,
          end_word: index,
          sentiment: (s.sentiment ?? 'NEUTRAL').toLowerCase() as 'positive' | 'neutral' | 'negative',
          sentiment_score: round3(s.sentiment_score ?? 0)
        }
      }),
      average: {
        sentiment: conversation.overall.sentiment.toLowerCase() as 'positive' | 'neutral' | 'negative',
        sentiment_score: round3(conversation.overall.sentimentScore)
      }
    }
  }
  return response
}
