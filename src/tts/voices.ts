import { badRequest } from '../errors.js'
import type { TtsEngine } from './types.js'

/** OpenAI's speech models (tts-1, tts-1-hd, gpt-4o-mini-tts and dated versions): they mean the default engine. */
export function isOpenAiSpeechModel(name: string): boolean {
  return /^tts-1(-hd)?(-\d{4})?$|^gpt-4o(-mini)?-tts/i.test(name)
}

/**
 * OpenAI's voices on each of our engines, so code written for OpenAI keeps working: female voices
 * (alloy, coral, nova, sage, shimmer, marin) go to a female voice, male ones (ash, echo, onyx, verse,
 * cedar) to a male one, fable (British) and ballad to a British or Scottish one.
 */
export const OPENAI_VOICE_MAP: Record<string, Record<string, string>> = {
  flite: {
    alloy: 'slt',
    coral: 'slt',
    nova: 'slt',
    sage: 'slt',
    shimmer: 'slt',
    marin: 'slt',
    ash: 'rms',
    echo: 'rms',
    onyx: 'rms',
    cedar: 'rms',
    verse: 'kal',
    ballad: 'awb',
    fable: 'awb'
  },
  'espeak-ng': {
    alloy: 'en-us+f3',
    coral: 'en-us+f3',
    nova: 'en-us+f3',
    sage: 'en-gb+f3',
    shimmer: 'en-us+f3',
    marin: 'en-us+f3',
    ash: 'en-us',
    echo: 'en-us',
    onyx: 'en-us',
    cedar: 'en-us',
    verse: 'en-us',
    ballad: 'en-gb-scotland',
    fable: 'en-gb-x-rp'
  },
  gemini: {
    alloy: 'Zephyr',
    coral: 'Kore',
    nova: 'Leda',
    sage: 'Callirrhoe',
    shimmer: 'Aoede',
    marin: 'Autonoe',
    ash: 'Puck',
    echo: 'Fenrir',
    onyx: 'Algenib',
    cedar: 'Iapetus',
    verse: 'Enceladus',
    ballad: 'Charon',
    fable: 'Orus'
  },
  groq: {
    alloy: 'hannah',
    coral: 'autumn',
    nova: 'diana',
    sage: 'hannah',
    shimmer: 'diana',
    marin: 'autumn',
    ash: 'austin',
    echo: 'troy',
    onyx: 'troy',
    cedar: 'daniel',
    verse: 'austin',
    ballad: 'daniel',
    fable: 'daniel'
  }
}

/** The engine's own voice for a requested name (its own or an OpenAI one); unknown names are a 400 that lists the choices. */
export function resolveVoice(engine: TtsEngine, requested: string | undefined, fallback?: string): string {
  if (!requested) return fallback ?? engine.defaultVoice
  const own = engine.voices.find((v) => v.toLowerCase() === requested.toLowerCase())
  if (own) return own
  const mapped = OPENAI_VOICE_MAP[engine.name]?.[requested.toLowerCase()]
  if (mapped) return mapped
  const openAi = Object.keys(OPENAI_VOICE_MAP.flite).join(', ')
  throw badRequest(
    `Unknown voice "${requested}" for the ${engine.name} engine: use one of ${engine.voices.join(', ')}, or an OpenAI voice (${openAi}).`,
    'unknown_voice'
  )
}
