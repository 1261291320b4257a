import { randomBytes } from 'node:crypto'
import { audioFormat, DEFAULT_TURN_DETECTION, StreamError, type AudioFormat, type StreamSettings, type TurnDetection } from '../../../streaming/index.js'

/**
 * OpenAI's GA Realtime transcription protocol, as its SDKs' types spell it: the session object the
 * server echoes, client events parsed into core settings, and errors in OpenAI's shape.
 */

export const eventId = () => `event_${randomBytes(12).toString('base64url')}`
export const itemId = () => `item_${randomBytes(12).toString('base64url')}`

/** An error event's body; `param` names the field at fault, `event_id` the client event. */
export interface RealtimeError {
  type: 'invalid_request_error' | 'server_error'
  code: string
  message: string
  param: string | null
  event_id: string | null
}

export class ClientEventError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly param: string | null = null
  ) {
    super(message)
  }
}

/** What OpenAI's transcription session looks like on the wire (session.created / session.updated). */
export interface TranscriptionSession {
  type: 'transcription'
  id: string
  object: 'realtime.transcription_session'
  audio: {
    input: {
      format: { type: 'audio/pcm'; rate: number } | { type: 'audio/pcmu' }
      transcription: { model: string; language: string | null; prompt: string }
      turn_detection: { type: 'server_vad'; threshold: number; prefix_padding_ms: number; silence_duration_ms: number } | null
      noise_reduction: null
    }
  }
  include: string[]
}

export function describeSession(id: string, settings: StreamSettings, model: string, include: string[]): TranscriptionSession {
  const { format, turnDetection: td } = settings
  return {
    type: 'transcription',
    id,
    object: 'realtime.transcription_session',
    audio: {
      input: {
        format: format.encoding === 'mulaw' ? { type: 'audio/pcmu' } : { type: 'audio/pcm', rate: format.sampleRate },
        transcription: { model, language: settings.language ?? null, prompt: '' },
        turn_detection: td && { type: 'server_vad', threshold: td.threshold, prefix_padding_ms: td.prefixPaddingMs, silence_duration_ms: td.silenceDurationMs },
        noise_reduction: null
      }
    },
    include
  }
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function number(v: unknown, param: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new ClientEventError('invalid_value', `Invalid value for '${param}': expected a number from ${min} to ${max}.`, param)
  }
  return v
}

function parseFormat(v: unknown): AudioFormat | undefined {
  if (v === undefined) return undefined
  const param = 'session.audio.input.format'
  if (!isObject(v)) throw new ClientEventError('invalid_type', `Invalid '${param}': expected an object such as {"type": "audio/pcm", "rate": 24000}.`, param)
  try {
    if (v.type === 'audio/pcmu') return audioFormat('mulaw', 8000)
    if (v.type === 'audio/pcm' || v.type === undefined) return audioFormat('pcm16', v.rate === undefined ? 24000 : Number(v.rate))
  } catch (err) {
    if (err instanceof StreamError) throw new ClientEventError('invalid_value', err.message, `${param}.rate`)
    throw err
  }
  throw new ClientEventError(
    'invalid_value',
    `Unsupported audio format ${JSON.stringify(v.type)}: use 'audio/pcm' (16-bit little-endian mono) or 'audio/pcmu' (G.711 μ-law, 8 kHz).`,
    `${param}.type`
  )
}

function parseTurnDetection(v: unknown, current: TurnDetection | null): TurnDetection | null | undefined {
  if (v === undefined) return undefined
  if (v === null) return null
  const param = 'session.audio.input.turn_detection'
  if (!isObject(v) || (v.type !== 'server_vad' && v.type !== 'semantic_vad')) {
    throw new ClientEventError('invalid_value', `Invalid '${param}': expected null or {"type": "server_vad", ...}.`, `${param}.type`)
  }
  // semantic_vad has no knobs of ours: it gets server VAD with the settings in force.
  const base = current ?? DEFAULT_TURN_DETECTION
  return {
    threshold: number(v.threshold, `${param}.threshold`, 0, 1) ?? base.threshold,
    prefixPaddingMs: number(v.prefix_padding_ms, `${param}.prefix_padding_ms`, 0, 5000) ?? base.prefixPaddingMs,
    silenceDurationMs: number(v.silence_duration_ms, `${param}.silence_duration_ms`, 20, 10_000) ?? base.silenceDurationMs
  }
}

export interface SessionUpdate {
  settings: Partial<StreamSettings>
  /** the model name as the client sent it, echoed in the session object */
  model?: string
  include?: string[]
}

/** Reads a session.update into core settings; `engineFor` maps a model name to an engine (undefined: default). */
export function parseSessionUpdate(event: Json, current: StreamSettings, engineFor: (model: string) => string | undefined): SessionUpdate {
  const session = event.session
  if (!isObject(session)) throw new ClientEventError('missing_required_parameter', "Missing required parameter: 'session'.", 'session')
  if (session.type !== undefined && session.type !== 'transcription') {
    throw new ClientEventError(
      'invalid_value',
      `This server runs transcription sessions only: set 'session.type' to 'transcription' (got ${JSON.stringify(session.type)}).`,
      'session.type'
    )
  }
  const input = isObject(session.audio) && isObject(session.audio.input) ? session.audio.input : {}
  const settings: Partial<StreamSettings> = {}
  const update: SessionUpdate = { settings }
  const format = parseFormat(input.format)
  if (format) settings.format = format
  const turnDetection = parseTurnDetection(input.turn_detection, current.turnDetection)
  if (turnDetection !== undefined) settings.turnDetection = turnDetection
  if (isObject(input.transcription)) {
    const { model, language } = input.transcription
    if (model !== undefined) {
      if (typeof model !== 'string')
        throw new ClientEventError(
          'invalid_type',
          "Invalid 'session.audio.input.transcription.model': expected a string.",
          'session.audio.input.transcription.model'
        )
      settings.engine = engineFor(model)
      update.model = model
    }
    if (language !== undefined && language !== null) {
      if (typeof language !== 'string' || !/^[a-z]{2}([-_][A-Za-z]{2})?$/.test(language)) {
        throw new ClientEventError(
          'invalid_value',
          "Invalid 'session.audio.input.transcription.language': expected an ISO-639-1 code such as 'en'.",
          'session.audio.input.transcription.language'
        )
      }
      settings.language = language
    }
  }
  if (session.include !== undefined) {
    if (!Array.isArray(session.include) || session.include.some((i) => i !== 'item.input_audio_transcription.logprobs')) {
      throw new ClientEventError(
        'invalid_value',
        "Invalid 'session.include': the one supported value is 'item.input_audio_transcription.logprobs'.",
        'session.include'
      )
    }
    update.include = session.include as string[]
  }
  return update
}

/** Base64 audio of input_audio_buffer.append; anything else is the client's mistake. */
export function appendedAudio(event: Json): Buffer {
  const audio = event.audio
  if (typeof audio !== 'string')
    throw new ClientEventError('missing_required_parameter', "Missing required parameter: 'audio' (base64-encoded audio bytes).", 'audio')
  if (audio.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(audio)) {
    throw new ClientEventError('invalid_value', "Invalid 'audio': expected base64-encoded audio bytes.", 'audio')
  }
  return Buffer.from(audio, 'base64')
}

export const CLIENT_EVENTS = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'voxlens.stream.end'
] as const
