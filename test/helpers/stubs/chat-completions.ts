import { answerOpenAiFailure, openAiError } from './openai-errors.js'
import { deltasOf, sendJson, sendSse, startStub, type StubServer } from './server.js'

/** One chat completions request as the stub received it. */
export interface ChatCompletionsRequest {
  path: string
  /** the JSON body the SDK sent: model, messages, response_format, stream ... */
  body: any
}

export interface ChatCompletionsStub extends StubServer {
  requests: ChatCompletionsRequest[]
}

export interface ChatCompletionsStubOptions {
  /** '/v1' for OpenAI and compatible servers, '/openai/v1' for Groq */
  prefix: '/v1' | '/openai/v1'
  apiKey: string
  /** the model's answer to a request when the script gives none (default: it repeats the last user message) */
  answer?: (body: any) => string
}

const lastUser = (body: any) => String([...(body.messages ?? [])].reverse().find((m: any) => m.role === 'user')?.content ?? '')
const echo = (body: any) => (body.response_format?.type === 'json_object' ? JSON.stringify({ echo: lastUser(body) }) : `You said: ${lastUser(body)}`)

/**
 * `POST {prefix}/chat/completions` as OpenAI and Groq speak it: Bearer auth, a `chat.completion` object,
 * or with `stream: true` server-sent `chat.completion.chunk` events ending in `data: [DONE]`; OpenAI's
 * error bodies. JSON mode is refused, as OpenAI refuses it, when no message mentions JSON.
 */
export async function startChatCompletionsStub(opts: ChatCompletionsStubOptions): Promise<ChatCompletionsStub> {
  const requests: ChatCompletionsRequest[] = []
  const groq = opts.prefix === '/openai/v1'
  const stub = await startStub((req, raw, res, reply) => {
    if (req.method !== 'POST' || req.url !== `${opts.prefix}/chat/completions`) {
      return sendJson(res, 404, openAiError(`Unknown request URL: ${req.method} ${req.url}`, 'invalid_request_error', 'unknown_url'))
    }
    const pending = answerOpenAiFailure(req, reply, opts.apiKey, res)
    if (!pending) return
    const body = JSON.parse(raw.toString())
    requests.push({ path: req.url, body })
    if (pending.kind === 'bad-request') return sendJson(res, 400, openAiError(pending.message ?? 'Invalid request', 'invalid_request_error', null))
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendJson(res, 400, openAiError("'messages' must contain at least 1 item.", 'invalid_request_error', null))
    }
    if (body.response_format?.type === 'json_object' && !body.messages.some((m: any) => /json/i.test(String(m.content)))) {
      return sendJson(
        res,
        400,
        openAiError("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'invalid_request_error', null)
      )
    }

    const content = (pending.kind === 'ok' ? pending.text : undefined) ?? (opts.answer ?? echo)(body)
    const id = `chatcmpl-${requests.length}`
    const created = Math.floor(Date.now() / 1000)
    const usage = { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }
    if (!body.stream) {
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
        usage,
        ...(groq && { x_groq: { id: `req_${requests.length}` } })
      })
    }
    // With stream_options.include_usage, OpenAI sends `usage: null` on every chunk and the counts in one
    // more chunk with no choices; Groq puts them in the last chunk's x_groq whatever the options.
    const countUsage = !groq && body.stream_options?.include_usage === true
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: body.model,
        system_fingerprint: 'fp_stub',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(countUsage && { usage: null }),
        ...extra
      })
    const usageChunk = JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_stub', choices: [], usage })
    const events = [
      chunk({ role: 'assistant', content: '' }, null, groq ? { x_groq: { id: `req_${requests.length}` } } : {}),
      ...deltasOf(content).map((d) => chunk({ content: d }, null)),
      chunk({}, 'stop', groq ? { x_groq: { id: `req_${requests.length}`, usage } } : {}),
      ...(countUsage ? [usageChunk] : []),
      '[DONE]'
    ]
    // The role chunk comes first, so a stall after n deltas has sent n + 1 events.
    sendSse(res, events, pending.kind === 'ok' && pending.stallAfter !== undefined ? pending.stallAfter + 1 : undefined)
  })
  return Object.assign(stub, { requests })
}
