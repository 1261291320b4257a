import type { GoogleGenAI, Modality } from '@google/genai'
import { toTtsError } from '../errors.js'
import type { TtsEngine } from '../types.js'

/** A selection of Gemini's prebuilt voices, enough to give each OpenAI voice a counterpart. */
export const GEMINI_VOICES = [
  'Zephyr',
  'Puck',
  'Charon',
  'Kore',
  'Fenrir',
  'Leda',
  'Orus',
  'Aoede',
  'Callirrhoe',
  'Autonoe',
  'Enceladus',
  'Iapetus',
  'Algenib',
  'Achernar',
  'Sulafat'
] as const

export interface GeminiTtsOptions {
  apiKey?: string
  baseUrl?: string
  /** TTS_GEMINI_MODEL, default gemini-2.5-flash-preview-tts */
  model?: string
}

/**
 * Gemini's speech generation: `generateContent` with the AUDIO modality answers 24 kHz 16-bit PCM as
 * inline data. Style is steered by the prompt, so instructions go in front of the text; it has no speed
 * setting, so the encoder stretches.
 */
export function createGeminiTtsEngine(opts: GeminiTtsOptions = {}): TtsEngine {
  const model = opts.model ?? 'gemini-2.5-flash-preview-tts'
  let client: Promise<{ ai: GoogleGenAI; audio: Modality }> | undefined
  // The SDK (~20 MB resident) is loaded by the first request, so a server that never calls Gemini does not carry it.
  const gemini = () =>
    (client ??= import('@google/genai').then((sdk) => ({
      ai: new sdk.GoogleGenAI({ apiKey: opts.apiKey, httpOptions: { baseUrl: opts.baseUrl } }),
      audio: sdk.Modality.AUDIO
    })))
  return {
    name: 'gemini',
    kind: 'cloud',
    voices: GEMINI_VOICES,
    defaultVoice: 'Kore',
    available: async () => (opts.apiKey ? { ok: true } : { ok: false, reason: 'The gemini speech engine needs GEMINI_API_KEY.' }),
    async synthesize({ text, voice, instructions, signal }) {
      try {
        const { ai, audio } = await gemini()
        const response = await ai.models.generateContent({
          model,
          contents: [{ role: 'user', parts: [{ text: instructions ? `${instructions}: ${text}` : text }] }],
          config: {
            responseModalities: [audio],
            speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: voice } } },
            abortSignal: signal
          }
        })
        const inline = response.candidates?.[0]?.content?.parts?.find((p) => p.inlineData?.data)?.inlineData
        if (!inline?.data) throw new Error(`no audio in the reply (finish reason ${response.candidates?.[0]?.finishReason ?? 'unknown'})`)
        const rate = Number(/rate=(\d+)/.exec(inline.mimeType ?? '')?.[1] ?? 24_000)
        return { pcm: Buffer.from(inline.data, 'base64'), sampleRate: rate, speedApplied: false }
      } catch (err) {
        throw toTtsError(geminiAuth(err), 'gemini', 'GEMINI_API_KEY')
      }
    },
    close: async () => {}
  }
}

/** Gemini answers a bad key with 400 API_KEY_INVALID rather than 401. */
function geminiAuth(err: unknown): unknown {
  const e = err as { status?: number; message?: string }
  return e?.status === 400 && /API_KEY_INVALID|API key not valid/.test(e.message ?? '') ? Object.assign(err as object, { status: 401 }) : err
}
