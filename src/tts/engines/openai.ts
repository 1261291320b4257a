import OpenAI from 'openai'
import { toTtsError } from '../errors.js'
import type { TtsEngine } from '../types.js'

/** OpenAI's own voices; any OpenAI-compatible server is expected to accept the same names. */
export const OPENAI_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const

export interface OpenAiTtsOptions {
  /** OPENAI_API_KEY; optional when baseURL points at a keyless compatible server */
  apiKey?: string
  /** OPENAI_BASE_URL including /v1 */
  baseURL?: string
  /** TTS_OPENAI_MODEL, default gpt-4o-mini-tts */
  model?: string
}

/**
 * OpenAI's `audio.speech.create`, asked for raw 24 kHz PCM so every format is encoded the same way
 * here. Only the tts-1 models honour `speed`; for the others the encoder stretches the audio.
 */
export function createOpenAiTtsEngine(opts: OpenAiTtsOptions = {}): TtsEngine {
  const model = opts.model ?? 'gpt-4o-mini-tts'
  let client: OpenAI | undefined
  const openai = () => (client ??= new OpenAI({ apiKey: opts.apiKey ?? 'unused', baseURL: opts.baseURL, maxRetries: 0 }))
  return {
    name: 'openai',
    kind: 'cloud',
    voices: OPENAI_VOICES,
    defaultVoice: 'alloy',
    available: async () =>
      opts.apiKey || opts.baseURL
        ? { ok: true }
        : { ok: false, reason: 'The openai speech engine needs OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server).' },
    async synthesize({ text, voice, speed, instructions, signal }) {
      const nativeSpeed = /^tts-1/.test(model)
      try {
        const response = await openai().audio.speech.create(
          {
            model,
            voice,
            input: text,
            response_format: 'pcm',
            ...(nativeSpeed && speed !== 1 && { speed }),
            ...(instructions && !nativeSpeed && { instructions })
          },
          { signal }
        )
        return { pcm: Buffer.from(await response.arrayBuffer()), sampleRate: 24_000, speedApplied: nativeSpeed }
      } catch (err) {
        throw toTtsError(err, 'openai', 'OPENAI_API_KEY')
      }
    },
    close: async () => {}
  }
}
