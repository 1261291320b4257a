import Groq from 'groq-sdk'
import { toTtsError } from '../errors.js'
import { pcmFromWav } from '../wav.js'
import type { TtsEngine } from '../types.js'

/** The English voices of Canopy Labs' Orpheus model on Groq. */
export const GROQ_VOICES = ['autumn', 'diana', 'hannah', 'austin', 'daniel', 'troy'] as const

export interface GroqTtsOptions {
  apiKey?: string
  /** GROQ_BASE_URL, without the /openai/v1 the SDK appends */
  baseURL?: string
  /** TTS_GROQ_MODEL, default canopylabs/orpheus-v1-english */
  model?: string
}

/** Groq's OpenAI-style speech endpoint, asked for WAV (the one format all its voices give). */
export function createGroqTtsEngine(opts: GroqTtsOptions = {}): TtsEngine {
  const model = opts.model ?? 'canopylabs/orpheus-v1-english'
  let client: Groq | undefined
  const groq = () => (client ??= new Groq({ apiKey: opts.apiKey, baseURL: opts.baseURL, maxRetries: 0 }))
  return {
    name: 'groq',
    kind: 'cloud',
    voices: GROQ_VOICES,
    defaultVoice: 'hannah',
    available: async () => (opts.apiKey ? { ok: true } : { ok: false, reason: 'The groq speech engine needs GROQ_API_KEY.' }),
    async synthesize({ text, voice, signal }) {
      try {
        const response = await groq().audio.speech.create({ model, voice, input: text, response_format: 'wav' }, { signal })
        return { ...pcmFromWav(Buffer.from(await response.arrayBuffer())), speedApplied: false }
      } catch (err) {
        throw toTtsError(err, 'groq', 'GROQ_API_KEY')
      }
    },
    close: async () => {}
  }
}
