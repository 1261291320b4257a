import Groq, { toFile } from 'groq-sdk'
import type { SttEngine } from '../types.js'
import { createCloudEngine, type CloudEngineOptions } from './cloud.js'
import { fromVerboseJson, transcriptionParams, type VerboseJson } from './verbose-json.js'

export interface GroqEngineOptions extends CloudEngineOptions {
  /** GROQ_API_KEY */
  apiKey?: string
  /** GROQ_BASE_URL, without the /openai/v1 the SDK appends (default https://api.groq.com) */
  baseURL?: string
  /** default whisper-large-v3-turbo */
  model?: string
}

/** Whisper on Groq's hardware through its OpenAI-compatible transcription endpoint. */
export function createGroqEngine(opts: GroqEngineOptions = {}): SttEngine {
  const model = opts.model ?? 'whisper-large-v3-turbo'
  let client: Groq | undefined
  // Built on first use so a server without a key still boots and reports the engine unavailable.
  const groq = () => (client ??= new Groq({ apiKey: opts.apiKey, baseURL: opts.baseURL, maxRetries: 0, timeout: opts.timeoutMs ?? 120_000 }))

  return createCloudEngine(
    {
      name: 'groq',
      keyVariable: 'GROQ_API_KEY',
      problem: () => (opts.apiKey ? undefined : 'The groq engine needs an API key: set GROQ_API_KEY (https://console.groq.com/keys).'),
      async transcribeChunk(wav, options, signal) {
        const body = await groq().audio.transcriptions.create(
          { ...transcriptionParams(model, options), file: await toFile(wav, 'audio.wav', { type: 'audio/wav' }) },
          { signal }
        )
        // The SDK types the reply as { text } whatever response_format was asked for.
        return fromVerboseJson(body as unknown as VerboseJson, options, (wav.length - 44) / 32000)
      }
    },
    opts
  )
}
