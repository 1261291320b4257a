import type { GoogleGenAI, Content, GenerateContentParameters, GenerateContentResponseUsageMetadata } from '@google/genai'
import { classifyGeminiError } from '../../stt/engines/gemini.js'
import { plainSchema } from '../json.js'
import type { ChatProvider, ChatRequest } from '../types.js'

export interface GeminiChatOptions {
  apiKey: string
  /** GEMINI_BASE_URL (default https://generativelanguage.googleapis.com) */
  baseUrl?: string
  /** default gemini-2.5-flash */
  model?: string
}

/**
 * Gemini takes system text apart from the turns and calls the assistant "model". The schema goes in
 * `responseJsonSchema` (full JSON Schema, free-form maps included), which Gemini enforces itself.
 */
function params(model: string, request: ChatRequest, signal: AbortSignal): GenerateContentParameters {
  const system = request.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n')
  const contents: Content[] = request.messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] }))
  return {
    model,
    contents,
    config: {
      ...(system && { systemInstruction: system }),
      ...(request.json && { responseMimeType: 'application/json', responseJsonSchema: plainSchema(request.json.schema) }),
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.maxTokens !== undefined && { maxOutputTokens: request.maxTokens }),
      abortSignal: signal
    }
  }
}

/** Gemini counts tokens on every response; a stream's last chunk carries the totals. */
function report(request: ChatRequest, usage: GenerateContentResponseUsageMetadata | undefined) {
  if (usage) request.onUsage?.({ prompt: usage.promptTokenCount ?? 0, completion: usage.candidatesTokenCount ?? 0 })
}

export function createGeminiChat(o: GeminiChatOptions): ChatProvider {
  const model = o.model ?? 'gemini-2.5-flash'
  let client: Promise<GoogleGenAI> | undefined
  // The SDK (~20 MB resident) is loaded by the first request, so a server that never calls Gemini does not carry it.
  // No retryOptions: the SDK then makes exactly one attempt, and the chat client owns the retry policy.
  const ai = () =>
    (client ??= import('@google/genai').then((sdk) => new sdk.GoogleGenAI({ apiKey: o.apiKey, httpOptions: o.baseUrl ? { baseUrl: o.baseUrl } : undefined })))
  return {
    name: 'gemini',
    model,
    keyVariable: 'GEMINI_API_KEY',
    available: true,
    classify: classifyGeminiError,
    async complete(request, signal) {
      const response = await (await ai()).models.generateContent(params(model, request, signal))
      report(request, response.usageMetadata)
      return response.text ?? ''
    },
    async stream(request, signal) {
      const responses = await (await ai()).models.generateContentStream(params(model, request, signal))
      return (async function* () {
        let usage: GenerateContentResponseUsageMetadata | undefined
        for await (const response of responses) {
          usage = response.usageMetadata ?? usage
          const delta = response.text
          if (delta) yield delta
        }
        report(request, usage)
      })()
    }
  }
}
