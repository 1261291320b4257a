import { contentFor, sendJson, startLlmStub, type LlmStub } from './server.js'

/** google.rpc.Status bodies, as the Gemini API sends them. */
const status = (code: number, state: string, message: string, details: unknown[] = []) => ({ error: { code, message, status: state, details } })

/**
 * `POST /v1beta/models/{model}:generateContent` answered like Gemini in JSON mode: the answer is a
 * JSON string in candidates[0].content.parts[0].text. Gemini reports a bad key as 400 API_KEY_INVALID
 * (its 401 is for OAuth), which the `unauthorized` reply reproduces.
 */
export async function startGeminiStub(opts: { apiKey: string }): Promise<LlmStub> {
  return startLlmStub((req, reply, res) => {
    const match = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(req.path)
    if (!match) return sendJson(res, 404, status(404, 'NOT_FOUND', `Unknown path ${req.path}`))
    if (reply.kind === 'unauthorized' || req.headers['x-goog-api-key'] !== opts.apiKey) {
      return sendJson(res, 400, status(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }
      ]))
    }
    if (reply.kind === 'rate-limited') return sendJson(res, 429, status(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.'))
    if (reply.kind === 'server-error') return sendJson(res, 500, status(500, 'INTERNAL', 'An internal error has occurred.'))
    const config = req.body?.generationConfig ?? {}
    if (config.responseMimeType !== 'application/json' || !config.responseSchema) {
      return sendJson(res, 400, status(400, 'INVALID_ARGUMENT', 'This stub only answers JSON mode requests with a responseSchema.'))
    }
    const isRefine = !config.responseSchema.properties?.summary
    let text = contentFor(reply, isRefine)
    // Gemini's schema carries roles as [{speaker, role}] (no free-form maps), so the stub answers that way.
    if (reply.kind === 'ok' && !isRefine && reply.body === undefined) {
      const answer = JSON.parse(text!)
      text = JSON.stringify({ ...answer, roles: Object.entries(answer.roles).map(([speaker, role]) => ({ speaker, role })) })
    }
    sendJson(res, 200, {
      candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 50, totalTokenCount: 150 },
      modelVersion: match[1]
    })
  })
}
