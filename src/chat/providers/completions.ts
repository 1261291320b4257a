import type OpenAI from 'openai'
import type Groq from 'groq-sdk'
import { plainSchema } from '../json.js'
import type { ChatMessage, ChatProvider, ChatRequest, TokenUsage } from '../types.js'

/** The slice of OpenAI's and Groq's SDKs we use; both speak the same chat completions API. */
type CompletionsClient = Pick<OpenAI, 'chat'> | Pick<Groq, 'chat'>

/**
 * JSON mode (`json_object`) is the one structured mode every OpenAI-compatible server accepts, but it
 * only guarantees syntax, and OpenAI refuses it unless the messages mention JSON: so the schema travels
 * as text, unless the caller's prompt already carries it.
 */
function messagesFor(request: ChatRequest): ChatMessage[] {
  const { json } = request
  if (!json || json.schemaInPrompt) return request.messages
  const instruction = `Answer with one JSON object and nothing else. It must match this JSON Schema:\n${JSON.stringify(plainSchema(json.schema))}`
  return [...request.messages, { role: 'system', content: instruction }]
}

function params(model: string, request: ChatRequest) {
  return {
    model,
    messages: messagesFor(request),
    ...(request.json && { response_format: { type: 'json_object' as const } }),
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.maxTokens !== undefined && { max_completion_tokens: request.maxTokens })
  }
}

/** The `usage` object of a completion, or of the last chunk of a stream (OpenAI's, or Groq's under `x_groq`). */
interface WireUsage {
  prompt_tokens?: number
  completion_tokens?: number
}

function report(request: ChatRequest, usage: WireUsage | null | undefined) {
  if (usage && (usage.prompt_tokens !== undefined || usage.completion_tokens !== undefined)) {
    request.onUsage?.({ prompt: usage.prompt_tokens ?? 0, completion: usage.completion_tokens ?? 0 } satisfies TokenUsage)
  }
}

/** A provider over a chat completions endpoint, streaming included (SSE chunks ending in `data: [DONE]`). */
export function completionsProvider(name: string, model: string, keyVariable: string, client: () => CompletionsClient): ChatProvider {
  // Both SDKs type create() as a union over stream: true/false; the narrow casts keep one code path.
  const create = (body: object, signal: AbortSignal) =>
    (client().chat.completions.create as (body: object, options: { signal: AbortSignal }) => Promise<unknown>)(body, { signal })
  return {
    name,
    model,
    keyVariable,
    available: true,
    async complete(request, signal) {
      const completion = (await create(params(model, request), signal)) as { choices: { message?: { content?: string | null } }[]; usage?: WireUsage }
      report(request, completion.usage)
      return completion.choices[0]?.message?.content ?? ''
    },
    async stream(request, signal) {
      // OpenAI counts a stream's tokens only when asked, in one last chunk with no choices; Groq always
      // counts them, in the last chunk's `x_groq`, and is not sent an option it does not document.
      const usageOption = name === 'openai' && { stream_options: { include_usage: true } }
      const chunks = (await create({ ...params(model, request), stream: true, ...usageOption }, signal)) as AsyncIterable<{
        choices: { delta?: { content?: string | null } }[]
        usage?: WireUsage | null
        x_groq?: { usage?: WireUsage }
      }>
      return (async function* () {
        for await (const chunk of chunks) {
          report(request, chunk.usage ?? chunk.x_groq?.usage)
          const delta = chunk.choices[0]?.delta?.content
          if (delta) yield delta
        }
      })()
    }
  }
}
