import { answerOpenAiFailure, openAiError } from './openai-errors.js'
import { sendJson, startStub, type StubServer } from './server.js'
import { pcm16Wav } from '../../../src/stt/wav.js'

/** One speech request as the stub read it. */
export interface SpeechRequest {
  path: string
  authorization: string | undefined
  body: { model?: string; voice?: string; input?: string; response_format?: string; speed?: number; instructions?: string }
}

export interface SpeechStub extends StubServer {
  requests: SpeechRequest[]
}

export interface SpeechStubOptions {
  /** '/openai/v1' for Groq, '/v1' for OpenAI */
  prefix: '/openai/v1' | '/v1'
  apiKey: string
  /** formats this vendor answers; others are its 400 */
  formats: string[]
  /** seconds of audio per answer (default 1) */
  seconds?: number
}

/** A 220 Hz tone as 16-bit mono PCM: audio a decoder accepts, long enough to measure. */
export function tonePcm(seconds: number, rate = 24_000): Buffer {
  const samples = Math.round(seconds * rate)
  const pcm = Buffer.alloc(samples * 2)
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate)), i * 2)
  return pcm
}

/**
 * `POST {prefix}/audio/speech` as OpenAI and Groq speak it: a JSON body in, the audio bytes out
 * (`pcm` is raw 24 kHz 16-bit little-endian), their JSON error envelope on failure.
 */
export async function startSpeechStub(opts: SpeechStubOptions): Promise<SpeechStub> {
  const requests: SpeechRequest[] = []
  const stub = await startStub(async (req, raw, res, reply) => {
    if (req.method !== 'POST' || req.url !== `${opts.prefix}/audio/speech`) {
      return sendJson(res, 404, openAiError(`Unknown request URL: ${req.method} ${req.url}`, 'invalid_request_error', 'unknown_url'))
    }
    const pending = answerOpenAiFailure(req, reply, opts.apiKey, res)
    if (!pending) return
    const body = JSON.parse(raw.toString()) as SpeechRequest['body']
    requests.push({ path: req.url, authorization: req.headers.authorization, body })
    if (!body.model || !body.voice || !body.input) return sendJson(res, 400, openAiError('model, voice and input are required', 'invalid_request_error', null))
    const format = body.response_format ?? 'mp3'
    if (!opts.formats.includes(format)) return sendJson(res, 400, openAiError(`response_format ${format} is not supported`, 'invalid_request_error', null))
    if (pending.kind === 'bad-request') return sendJson(res, 400, openAiError(pending.message ?? 'Invalid voice', 'invalid_request_error', null))
    const pcm = tonePcm(opts.seconds ?? 1)
    res.writeHead(200, { 'content-type': format === 'wav' ? 'audio/wav' : 'audio/pcm' })
    res.end(format === 'wav' ? pcm16Wav(pcm, 24_000) : pcm)
  })
  return Object.assign(stub, { requests })
}
