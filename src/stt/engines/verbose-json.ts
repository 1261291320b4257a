import type { Segment, TranscribeOptions, Transcript, Word } from '../types.js'
import { toLanguageCode } from './languages.js'
import { confidenceFromLogprob, round, spreadWords } from './transcript.js'

/** The `verbose_json` body of OpenAI-style `/audio/transcriptions` (OpenAI, Groq, speaches, LocalAI). */
export interface VerboseJson {
  text: string
  language?: string
  duration?: number
  segments?: Array<{ id?: number; start: number; end: number; text: string; avg_logprob?: number; no_speech_prob?: number }>
  words?: Array<{ word: string; start: number; end: number }>
}

/** The request body both SDKs accept; `file` is added by the caller with its own SDK's `toFile`. */
export function transcriptionParams(model: string, opts: TranscribeOptions) {
  const wantWords = opts.wordTimestamps !== false
  return {
    model,
    ...(opts.language ? { language: opts.language } : {}),
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
    response_format: 'verbose_json' as const,
    // Word timestamps cost the vendor extra latency; ask only when the caller wants them.
    timestamp_granularities: wantWords ? (['word', 'segment'] as Array<'word' | 'segment'>) : (['segment'] as Array<'word' | 'segment'>)
  }
}

/**
 * Maps verbose_json to our Transcript. Word confidence is derived from the segment the word falls in
 * (see confidenceFromLogprob). Servers that return segments but no words (some self-hosted ones) get
 * estimated word timings rather than none.
 */
export function fromVerboseJson(body: VerboseJson, opts: TranscribeOptions, chunkSeconds: number): Transcript {
  const segments: Segment[] = (body.segments ?? []).map((s, i) => ({
    id: i,
    start: round(s.start),
    end: round(s.end),
    text: s.text.trim(),
    ...(s.avg_logprob !== undefined ? { avg_logprob: s.avg_logprob } : {}),
    ...(s.no_speech_prob !== undefined ? { no_speech_prob: s.no_speech_prob } : {})
  }))
  let words: Word[] = []
  if (opts.wordTimestamps !== false) {
    words = body.words?.length
      ? body.words.map((w) => ({
          word: w.word.trim(),
          start: round(w.start),
          end: round(w.end),
          confidence: confidenceFromLogprob(segmentAt(segments, (w.start + w.end) / 2)?.avg_logprob)
        }))
      : segments.flatMap((s) => spreadWords(s.text, s.start, s.end, confidenceFromLogprob(s.avg_logprob)))
  }
  return {
    text: (body.text ?? '').trim(),
    language: toLanguageCode(body.language, opts.language),
    duration: round(body.duration ?? chunkSeconds),
    words,
    segments
  }
}

/** The segment covering `t`, else the nearest one: word and segment timings can disagree by a few ms. */
function segmentAt(segments: Segment[], t: number): Segment | undefined {
  let best: Segment | undefined
  let bestDistance = Infinity
  for (const s of segments) {
    const distance = t < s.start ? s.start - t : t > s.end ? t - s.end : 0
    if (distance < bestDistance) {
      best = s
      bestDistance = distance
    }
  }
  return best
}
