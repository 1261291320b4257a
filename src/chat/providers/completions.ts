import type OpenAI from 'openai'
import type Groq from 'groq-sdk'
import { plainSchema } from '../json.js'
import type { ChatMessage, ChatProvider, ChatRequest } from '../types.js'

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
      const completion = (await create(params(model, request), signal)) as { choices: { message?: { content?: string | null } }[] }
      return completion.choices[0]?.message?.content ?? ''
    },
    async stream(request, signal) {
      const chunks = (await create({ ...params(model, request), stream: true }, signal)) as AsyncIterable<{
        choices: { delta?: { content?: string | null } }[]
      }>
      return (async function* () {
        for await (const chunk of chunks) {
          const delta = chunk.choices[0]?.delta?.content
          if (delta) yield delta
        }
      })()
    }
  }
}
