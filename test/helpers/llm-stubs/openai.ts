import { contentFor, sendJson, startLlmStub, type LlmStub } from './server.js'

export interface OpenAiStubOptions {
  apiKey: string
  /** '/v1' for OpenAI, '/openai/v1' for Groq */
  prefix?: string
}

/** OpenAI's error envelope, which Groq copies. */
const error = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } })

/**
 * `POST {prefix}/chat/completions` answered like OpenAI (and Groq, which serves the same API under
 * /openai/v1): Bearer auth, a chat.completion object whose message content is the JSON answer,
 * OpenAI's error bodies for 401, 429 (with retry-after) and 500.
 */
export async function startOpenAiStub(opts: OpenAiStubOptions): Promise<LlmStub> {
  const path = `${opts.prefix ?? '/v1'}/chat/completions`
  return startLlmStub((req, reply, res) => {
    if (req.path !== path) return sendJson(res, 404, error(`Unknown request URL: POST ${req.path}.`, 'invalid_request_error', 'unknown_url'))
    if (reply.kind === 'unauthorized' || req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendJson(res, 401, error('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'))
    }
    if (reply.kind === 'rate-limited') {
      return sendJson(res, 429, error('Rate limit reached for requests.', 'requests', 'rate_limit_exceeded'), { 'retry-after': '20' })
    }
    if (reply.kind === 'server-error') return sendJson(res, 500, error('The server had an error while processing your request.', 'server_error', null))
    if (req.body?.response_format?.type !== 'json_object') {
      return sendJson(res, 400, error('This stub only answers JSON mode requests.', 'invalid_request_error', null))
    }
    const system = String(req.body.messages?.[0]?.content ?? '')
    // Only the analysis prompt carries the schema with its "summary" field.
    const content = contentFor(reply, !system.includes('"summary"'))
    sendJson(res, 200, {
      id: `chatcmpl-${req.path.length}${Date.now()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: req.body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }
    })
  })
}
