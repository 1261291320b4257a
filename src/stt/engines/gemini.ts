import type { GoogleGenAI, Schema } from '@google/genai'
import type { Segment, SttEngine, TranscribeOptions, Transcript } from '../types.js'
import { classifyError, type RetryDecision } from '../../retry.js'
import { createCloudEngine, type CloudEngineOptions } from './cloud.js'
import { toLanguageCode } from './languages.js'
import { round, spreadWords } from './transcript.js'

export interface GeminiEngineOptions extends CloudEngineOptions {
  /** GEMINI_API_KEY */
  apiKey?: string
  /** GEMINI_BASE_URL (default https://generativelanguage.googleapis.com) */
  baseUrl?: string
  /** default gemini-2.5-flash */
  model?: string
}

// Built once the SDK is loaded: its Type enum is a value of the SDK's module.
const responseSchema = (Type: typeof import('@google/genai').Type): Schema => ({
  type: Type.OBJECT,
  properties: {
    text: { type: Type.STRING },
    language: { type: Type.STRING, description: 'ISO 639-1 code of the spoken language' },
    segments: {
      type: Type.ARRAY,
      items: {
        type: Type.OBJECT,
        properties: {
          start: { type: Type.NUMBER, description: 'seconds from the start of the audio' },
          end: { type: Type.NUMBER, description: 'seconds from the start of the audio' },
          text: { type: Type.STRING }
        },
        required: ['start', 'end', 'text'],
        propertyOrdering: ['start', 'end', 'text']
      }
    }
  },
  required: ['text', 'language', 'segments'],
  propertyOrdering: ['text', 'language', 'segments']
})

interface GeminiReply {
  text?: string
  language?: string
  segments?: Array<{ start?: number; end?: number; text?: string }>
}

/**
 * Transcription by a Gemini model asked for JSON. Gemini times sentences, not words: word timings are
 * estimated inside each segment (spreadWords) and carry no confidence (UNKNOWN_CONFIDENCE). Inline audio
 * is capped at 20 MB per request after base64, so chunks default to 5 minutes.
 */
export function createGeminiEngine(opts: GeminiEngineOptions = {}): SttEngine {
  const model = opts.model ?? 'gemini-2.5-flash'
  let client: Promise<{ ai: GoogleGenAI; schema: Schema }> | undefined
  // The SDK (~20 MB resident) is loaded by the first request, so a server that never calls Gemini does not carry it.
  // No retryOptions: the SDK then makes exactly one attempt and our retry policy applies.
  const gemini = () =>
    (client ??= import('@google/genai').then((sdk) => ({
      ai: new sdk.GoogleGenAI({ apiKey: opts.apiKey, httpOptions: { baseUrl: opts.baseUrl } }),
      schema: responseSchema(sdk.Type)
    })))

  return createCloudEngine(
    {
      name: 'gemini',
      keyVariable: 'GEMINI_API_KEY',
      problem: () => (opts.apiKey ? undefined : 'The gemini engine needs an API key: set GEMINI_API_KEY (https://aistudio.google.com/apikey).'),
      classify: classifyGeminiError,
      async transcribeChunk(wav, options, signal) {
        const chunkSeconds = (wav.length - 44) / 32000
        try {
          const { ai, schema } = await gemini()
          const response = await ai.models.generateContent({
            model,
            contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'audio/wav', data: wav.toString('base64') } }, { text: instruction(options) }] }],
            config: { responseMimeType: 'application/json', responseSchema: schema, temperature: 0, abortSignal: signal }
          })
          const text = response.text
          if (!text) throw new Error(`no transcript in the reply (finish reason ${response.candidates?.[0]?.finishReason ?? 'unknown'})`)
          return fromGeminiReply(JSON.parse(text) as GeminiReply, options, chunkSeconds)
        } catch (err) {
          throw authAsStatus(err)
        }
      }
    },
    { maxChunkSeconds: 300, ...opts }
  )
}

function instruction(opts: TranscribeOptions): string {
  return [
    'Transcribe this recording verbatim. Split it into segments of one sentence or phrase each,',
    'with start and end in seconds from the beginning of the audio. Leave out nothing and add nothing.',
    opts.language ? `The speech is in the language with ISO 639-1 code "${opts.language}".` : 'Detect the spoken language.',
    opts.prompt ? `Context that may help with names and terms: ${opts.prompt}` : ''
  ]
    .filter(Boolean)
    .join(' ')
}

/** Keeps model-made times inside the chunk and in order; a language model can overshoot or go backwards. */
export function fromGeminiReply(reply: GeminiReply, opts: TranscribeOptions, chunkSeconds: number): Transcript {
  const segments: Segment[] = []
  let last = 0
  for (const s of reply.segments ?? []) {
    const text = s.text?.trim()
    if (!text) continue
    const start = clamp(Number(s.start ?? last), last, chunkSeconds)
    const end = clamp(Number(s.end ?? start), start, chunkSeconds)
    segments.push({ id: segments.length, start: round(start), end: round(end), text })
    last = end
  }
  const words = opts.wordTimestamps === false ? [] : segments.flatMap((s) => spreadWords(s.text, s.start, s.end))
  const text = reply.text?.trim() || segments.map((s) => s.text).join(' ')
  return { text, language: toLanguageCode(reply.language, opts.language), duration: round(chunkSeconds), words, segments }
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min
}

/** Gemini puts its wait in the error body (google.rpc.RetryInfo), and the SDK drops response headers. */
export function classifyGeminiError(err: unknown): RetryDecision {
  const decision = classifyError(err)
  const delay = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(String((err as Error)?.message))
  return delay && decision.retry ? { retry: true, afterMs: Number(delay[1]) * 1000 } : decision
}

/** A bad Gemini key is a 400 (API_KEY_INVALID), not a 401; report it as the auth problem it is. */
function authAsStatus(err: unknown): unknown {
  const e = err as { status?: number; message?: string }
  if (e?.status === 400 && /API_KEY_INVALID|API key not valid/.test(e.message ?? '')) return Object.assign(err as object, { status: 401 })
  return err
}
