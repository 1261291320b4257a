import OpenAI, { toFile } from 'openai'
import type { SttEngine } from '../types.js'
import { createCloudEngine, type CloudEngineOptions } from './cloud.js'
import { fromVerboseJson, transcriptionParams, type VerboseJson } from './verbose-json.js'

export interface OpenAiEngineOptions extends CloudEngineOptions {
  /** OPENAI_API_KEY; optional when baseURL points at a self-hosted server that needs none */
  apiKey?: string
  /** OPENAI_BASE_URL including /v1, e.g. http://localhost:8000/v1 for speaches (default https://api.openai.com/v1) */
  baseURL?: string
  /** default whisper-1 */
  model?: string
}

/**
 * OpenAI's transcription API, or any server that speaks it (speaches, LocalAI, whisper.cpp's server with
 * an OpenAI-compatible route). Those are usually keyless, so a base URL alone is enough to run.
 */
export function createOpenAiEngine(opts: OpenAiEngineOptions = {}): SttEngine {
  const model = opts.model ?? 'whisper-1'
  let client: OpenAI | undefined
  const openai = () =>
    (client ??= new OpenAI({
      // The SDK refuses to start without a key; self-hosted servers ignore whatever we send.
      apiKey: opts.apiKey ?? 'unused',
      baseURL: opts.baseURL,
      maxRetries: 0,
      timeout: opts.timeoutMs ?? 120_000
    }))

  return createCloudEngine(
    {
      name: 'openai',
      keyVariable: 'OPENAI_API_KEY',
      problem: () =>
        opts.apiKey || opts.baseURL ? undefined : 'The openai engine needs OPENAI_API_KEY, or OPENAI_BASE_URL pointing at a compatible self-hosted server.',
      async transcribeChunk(wav, options, signal) {
        const body = await openai().audio.transcriptions.create(
          { ...transcriptionParams(model, options), file: await toFile(wav, 'audio.wav', { type: 'audio/wav' }) },
          { signal }
        )
        return fromVerboseJson(body as unknown as VerboseJson, options, (wav.length - 44) / 32000)
      }
    },
    opts
  )
}
