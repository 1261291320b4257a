import { answerOpenAiFailure, openAiError } from './openai-errors.js'
import { parseWav, fakeSpeech, sendJson, startStub, type StubServer, type WavInfo } from './server.js'

/** One multipart upload as the stub understood it. */
export interface TranscriptionRequest {
  path: string
  authorization: string | undefined
  /** every non-file form field; repeated fields (timestamp_granularities[]) joined with ',' */
  fields: Record<string, string>
  file: { name: string; type: string; wav: WavInfo }
}

export interface TranscriptionStub extends StubServer {
  /** uploads the stub parsed, in order */
  requests: TranscriptionRequest[]
}

export interface TranscriptionStubOptions {
  /** '/openai/v1' for Groq, '/v1' for OpenAI and compatible servers */
  prefix: '/openai/v1' | '/v1'
  apiKey: string
  /** the recognised text for normal answers; spread evenly over each uploaded file */
  text?: string
  /** what verbose_json reports; OpenAI and Groq send the language's English name */
  language?: string
  avgLogprob?: number
}

/**
 * `POST {prefix}/audio/transcriptions` as OpenAI and Groq speak it: multipart in, verbose_json out, their
 * error bodies ({ error: { message, type, code } }) and rate-limit headers on failure.
 */
export async function startTranscriptionStub(opts: TranscriptionStubOptions): Promise<TranscriptionStub> {
  const requests: TranscriptionRequest[] = []
  const stub = await startStub(async (req, body, res, reply) => {
    if (req.method !== 'POST' || req.url !== `${opts.prefix}/audio/transcriptions`) {
      return sendJson(res, 404, openAiError(`Unknown request URL: ${req.method} ${req.url}`, 'invalid_request_error', 'unknown_url'))
    }
    const pending = answerOpenAiFailure(req, reply, opts.apiKey, res)
    if (!pending) return

    // The SDKs send multipart/form-data; the platform's Request parses it exactly as a server would.
    const form = await new Request('http://stub', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body }).formData()
    const file = form.get('file')
    const fields: Record<string, string> = {}
    for (const key of new Set(form.keys())) if (key !== 'file') fields[key] = form.getAll(key).map(String).join(',')
    if (!(file instanceof Blob) || !fields.model) {
      return sendJson(res, 400, { error: { message: 'file and model are required', type: 'invalid_request_error', code: null } })
    }
    let wav: WavInfo
    try {
      wav = parseWav(Buffer.from(await file.arrayBuffer()))
    } catch (err) {
      return sendJson(res, 400, { error: { message: `Invalid file format: ${(err as Error).message}`, type: 'invalid_request_error', code: null } })
    }
    requests.push({ path: req.url, authorization: req.headers.authorization, fields, file: { name: (file as File).name, type: file.type, wav } })
    if (pending.kind === 'bad-request')
      return sendJson(res, 400, { error: { message: pending.message ?? 'Invalid language', type: 'invalid_request_error', code: null } })

    const { words, sentences } = fakeSpeech(pending.text ?? opts.text ?? 'hello world', wav.seconds)
    const wantWords = fields['timestamp_granularities[]']?.split(',').includes('word')
    sendJson(res, 200, {
      task: 'transcribe',
      language: pending.language ?? opts.language ?? 'english',
      duration: wav.seconds,
      text: sentences.map((s) => s.text).join(' '),
      ...(wantWords ? { words } : {}),
      segments: sentences.map((s, id) => ({
        id,
        seek: 0,
        start: s.start,
        end: s.end,
        text: ` ${s.text}`,
        tokens: [50364, 2425, 1002],
        temperature: 0,
        avg_logprob: opts.avgLogprob ?? -0.25,
        compression_ratio: 1.1,
        no_speech_prob: 0.01
      })),
      ...(opts.prefix === '/openai/v1' ? { x_groq: { id: `req_${requests.length}` } } : {})
    })
  })
  return Object.assign(stub, { requests })
}
