import type { Transcript } from './types.js'

/** OpenAI reports the language by name in verbose_json; these are the ones our engines produce. */
const LANGUAGE_NAMES: Record<string, string> = {
  en: 'english',
  es: 'spanish',
  fr: 'french',
  de: 'german',
  it: 'italian',
  pt: 'portuguese',
  nl: 'dutch',
  ru: 'russian',
  zh: 'chinese',
  ja: 'japanese',
  ko: 'korean',
  ar: 'arabic',
  hi: 'hindi',
  tr: 'turkish',
  pl: 'polish'
}

export function languageName(code: string): string {
  return LANGUAGE_NAMES[code.toLowerCase().slice(0, 2)] ?? code
}

function clock(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000))
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`
}

const cues = (t: Transcript) => t.segments.filter((s) => s.text.trim() !== '')

export function toSrt(t: Transcript): string {
  return cues(t)
    .map((s, i) => `${i + 1}\n${clock(s.start, ',')} --> ${clock(s.end, ',')}\n${s.text.trim()}\n`)
    .join('\n')
}

export function toVtt(t: Transcript): string {
  return `WEBVTT\n\n${cues(t)
    .map((s) => `${clock(s.start, '.')} --> ${clock(s.end, '.')}\n${s.text.trim()}\n`)
    .join('\n')}`
}

const round = (n: number) => Math.round(n * 1000) / 1000

/** OpenAI's verbose_json shape. Fields our engines cannot know (tokens, seek) get neutral values. */
export function toVerboseJson(t: Transcript, granularities: { words: boolean; segments: boolean }) {
  return {
    task: 'transcribe' as const,
    language: languageName(t.language),
    duration: round(t.duration),
    text: t.text,
    ...(granularities.segments && {
      segments: t.segments.map((s) => ({
        id: s.id,
        seek: 0,
        start: round(s.start),
        end: round(s.end),
        text: s.text,
        tokens: [] as number[],
        temperature: 0,
        avg_logprob: s.avg_logprob ?? 0,
        compression_ratio: 1,
        no_speech_prob: s.no_speech_prob ?? 0
      }))
    }),
    ...(granularities.words && { words: t.words.map((w) => ({ word: w.word, start: round(w.start), end: round(w.end) })) })
  }
}
