import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseWav, fakeSpeech, sendJson, startStub, type Answerable, type Reply, type StubServer, type WavInfo } from './server.js'

export interface GeminiRequest {
  model: string
  apiKey: string | undefined
  prompt: string
  generationConfig: { responseMimeType?: string; responseSchema?: unknown; temperature?: number }
  audio: { mimeType: string; wav: WavInfo }
}

export interface GeminiStub extends StubServer {
  requests: GeminiRequest[]
}

export interface GeminiStubOptions {
  apiKey: string
  text?: string
  /** ISO code the fake model reports */
  language?: string
}

/** google.rpc.Status bodies, as the Gemini API sends them. */
export function geminiStatus(code: number, state: string, message: string, details: unknown[] = []) {
  return { error: { code, message, status: state, details } }
}

/**
 * Answers what Gemini answers before looking at a request: a bad key is its real 400 API_KEY_INVALID
 * (its 401 is for OAuth), a 429 carries its wait in RetryInfo (no Retry-After header). Returns the reply when the request
 * still needs its normal answer, undefined when it was answered.
 */
export function answerGeminiFailure(req: IncomingMessage, reply: Reply, apiKey: string, res: ServerResponse): Answerable | undefined {
  if (reply.kind === 'unauthorized' || req.headers['x-goog-api-key'] !== apiKey) {
    sendJson(
      res,
      400,
      geminiStatus(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }
      ])
    )
    return undefined
  }
  if (reply.kind === 'rate-limited') {
    const retry =
      reply.retryAfterSeconds !== undefined ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${reply.retryAfterSeconds}s` }] : []
    sendJson(res, 429, geminiStatus(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', retry))
    return undefined
  }
  if (reply.kind === 'error') {
    sendJson(res, reply.status ?? 500, geminiStatus(reply.status ?? 500, 'INTERNAL', 'An internal error has occurred.'))
    return undefined
  }
  return reply as Answerable
}

/**
 * `POST /v1beta/models/{model}:generateContent` with inline audio, answered like Gemini in JSON mode:
 * the transcript is a JSON string in candidates[0].content.parts[0].text.
 */
export async function startGeminiStub(opts: GeminiStubOptions): Promise<GeminiStub> {
  const requests: GeminiRequest[] = []
  const stub = await startStub(async (req, body, res, reply) => {
    const match = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(req.url ?? '')
    if (req.method !== 'POST' || !match) return sendJson(res, 404, geminiStatus(404, 'NOT_FOUND', `Unknown path ${req.url}`))
    const apiKey = req.headers['x-goog-api-key'] as string | undefined
    const pending = answerGeminiFailure(req, reply, opts.apiKey, res)
    if (!pending) return

    const request = JSON.parse(body.toString()) as {
      contents: Array<{ parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>
      generationConfig?: GeminiRequest['generationConfig']
    }
    const parts = request.contents.flatMap((c) => c.parts)
    const inline = parts.find((p) => p.inlineData)?.inlineData
    if (!inline) return sendJson(res, 400, geminiStatus(400, 'INVALID_ARGUMENT', 'No audio in the request.'))
    let wav: WavInfo
    try {
      wav = parseWav(Buffer.from(inline.data, 'base64'))
    } catch (err) {
      return sendJson(res, 400, geminiStatus(400, 'INVALID_ARGUMENT', `Unable to process input audio: ${(err as Error).message}`))
    }
    const prompt = parts.map((p) => p.text ?? '').join('\n')
    requests.push({ model: match[1], apiKey, prompt, generationConfig: request.generationConfig ?? {}, audio: { mimeType: inline.mimeType, wav } })
    if (pending.kind === 'bad-request')
      return sendJson(res, 400, geminiStatus(400, 'INVALID_ARGUMENT', pending.message ?? 'Request contains an invalid argument.'))

    const { sentences } = fakeSpeech(pending.text ?? opts.text ?? 'hello world', wav.seconds)
    const transcript = { text: sentences.map((s) => s.text).join(' '), language: pending.language ?? opts.language ?? 'en', segments: sentences }
    sendJson(res, 200, {
      candidates: [{ content: { role: 'model', parts: [{ text: JSON.stringify(transcript) }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 },
      modelVersion: match[1]
    })
  })
  return Object.assign(stub, { requests })
}
