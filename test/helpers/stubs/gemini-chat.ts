import { answerGeminiFailure, geminiStatus } from './gemini.js'
import { deltasOf, sendJson, sendSse, startStub, type StubServer } from './server.js'

/** One generateContent or streamGenerateContent request as the stub received it. */
export interface GeminiChatRequest {
  model: string
  stream: boolean
  /** the JSON body the SDK sent: contents, systemInstruction, generationConfig */
  body: any
}

export interface GeminiChatStub extends StubServer {
  requests: GeminiChatRequest[]
}

export interface GeminiChatStubOptions {
  apiKey: string
  /** the model's answer when the script gives none (default: it repeats the last user turn) */
  answer?: (body: any) => string
}

const lastUser = (body: any) => String([...(body.contents ?? [])].reverse().find((c: any) => c.role === 'user')?.parts?.[0]?.text ?? '')
const echo = (body: any) =>
  body.generationConfig?.responseMimeType === 'application/json' ? JSON.stringify({ echo: lastUser(body) }) : `You said: ${lastUser(body)}`

/**
 * Gemini's text generation as the API speaks it: `POST /v1beta/models/{model}:generateContent` answers
 * one GenerateContentResponse; `:streamGenerateContent?alt=sse` sends one per chunk as server-sent
 * events, the last with finishReason STOP. Failures are Gemini's google.rpc.Status bodies.
 */
export async function startGeminiChatStub(opts: GeminiChatStubOptions): Promise<GeminiChatStub> {
  const requests: GeminiChatRequest[] = []
  const stub = await startStub((req, raw, res, reply) => {
    const match = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent\?alt=sse)$/.exec(req.url ?? '')
    if (req.method !== 'POST' || !match) return sendJson(res, 404, geminiStatus(404, 'NOT_FOUND', `Unknown path ${req.url}`))
    const pending = answerGeminiFailure(req, reply, opts.apiKey, res)
    if (!pending) return
    const body = JSON.parse(raw.toString())
    const stream = match[2] !== 'generateContent'
    requests.push({ model: match[1], stream, body })
    if (pending.kind === 'bad-request')
      return sendJson(res, 400, geminiStatus(400, 'INVALID_ARGUMENT', pending.message ?? 'Request contains an invalid argument.'))
    if (!Array.isArray(body.contents) || body.contents.length === 0) {
      return sendJson(res, 400, geminiStatus(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified'))
    }

    const text = (pending.kind === 'ok' ? pending.text : undefined) ?? (opts.answer ?? echo)(body)
    const response = (part: string, last: boolean) => ({
      candidates: [{ content: { parts: [{ text: part }], role: 'model' }, index: 0, ...(last && { finishReason: 'STOP' }) }],
      usageMetadata: { promptTokenCount: 100, ...(last && { candidatesTokenCount: 50, totalTokenCount: 150 }) },
      modelVersion: match[1]
    })
    if (!stream) return sendJson(res, 200, response(text, true))
    const parts = deltasOf(text)
    sendSse(
      res,
      parts.map((p, i) => JSON.stringify(response(p, i === parts.length - 1))),
      pending.kind === 'ok' ? pending.stallAfter : undefined
    )
  })
  return Object.assign(stub, { requests })
}
