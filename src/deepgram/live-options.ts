import { Type, type Static } from 'typebox'
import { badRequest } from '../errors.js'
import { parseFields } from '../routes/multipart.js'
import { audioFormat, DEFAULT_TURN_DETECTION, StreamError, type AudioFormat, type TurnDetection } from '../streaming/index.js'
import { engineLanguage } from './prerecorded.js'

const flag = (description: string) => Type.Optional(Type.Boolean({ description }))

/** Deepgram's live query options that voxlens honours; others its SDKs send are accepted and ignored. */
export const LiveQuerySchema = Type.Object({
  encoding: Type.Optional(Type.String({ description: 'linear16 (PCM16 little-endian, the default) or mulaw' })),
  sample_rate: Type.Optional(Type.Integer({ description: 'linear16: 8000, 16000 (default), 24000 or 48000; mulaw: 8000' })),
  channels: Type.Optional(Type.Integer({ description: 'Only 1 (mono)' })),
  interim_results: flag('Send partial transcripts (is_final false) while someone speaks'),
  endpointing: Type.Optional(
    Type.String({
      description: 'Silence in ms that ends an utterance (speech_final true), at least 100; false: utterances end only on Finalize',
      pattern: '^(false|true|\\d+)$'
    })
  ),
  utterance_end_ms: Type.Optional(
    Type.Integer({ minimum: 1000, description: 'Send UtteranceEnd after this much audio without words (needs interim_results)' })
  ),
  vad_events: flag('Send SpeechStarted when speech begins'),
  punctuate: flag('Capitalise sentence starts and end sentences with a full stop in punctuated_word'),
  smart_format: flag('As punctuate'),
  language: Type.Optional(Type.String()),
  model: Type.Optional(Type.String({ description: 'A voxlens engine name; any Deepgram model name means the default engine' })),
  record: flag('voxlens: keep the stream as a call record (its pipeline runs as for an upload) when it ends; the closing Metadata names it in record_id')
})
export type LiveQuery = Static<typeof LiveQuerySchema>

export interface LiveOptions {
  format: AudioFormat
  turnDetection: TurnDetection | null
  interim: boolean
  utteranceEndMs: number | undefined
  vadEvents: boolean
  punctuate: boolean
  language: string | undefined
  model: string | undefined
  /** the stream becomes a call record when it ends */
  record: boolean
}

/** The shortest silence that ends an utterance: the voice-activity detector works in 20 ms frames and needs a few. */
export const MIN_ENDPOINTING_MS = 100

/** Checks a live request's query before the upgrade, so a bad one is refused with Deepgram's 400 body. */
export function liveOptions(query: Record<string, unknown>): LiveOptions {
  const q = parseFields(LiveQuerySchema, query)
  const encoding = q.encoding ?? 'linear16'
  if (encoding !== 'linear16' && encoding !== 'mulaw') {
    throw badRequest(`Unsupported encoding "${encoding}" for live audio: send raw linear16 (PCM16 little-endian) or mulaw.`, 'unsupported_encoding')
  }
  if (q.channels !== undefined && q.channels !== 1)
    throw badRequest(`Only mono live audio is supported: send channels=1, not ${q.channels}.`, 'unsupported_channels')
  let format: AudioFormat
  try {
    format = audioFormat(encoding === 'mulaw' ? 'mulaw' : 'pcm16', q.sample_rate ?? (encoding === 'mulaw' ? 8000 : 16000))
  } catch (err) {
    if (err instanceof StreamError) throw badRequest(err.message.replace('pcm16', 'linear16').replace('PCM16', 'linear16'), 'unsupported_sample_rate')
    throw err
  }
  const endpointing = q.endpointing
  const silenceMs = endpointing === undefined || endpointing === 'true' ? DEFAULT_TURN_DETECTION.silenceDurationMs : Number(endpointing)
  return {
    format,
    turnDetection: endpointing === 'false' ? null : { ...DEFAULT_TURN_DETECTION, silenceDurationMs: Math.max(MIN_ENDPOINTING_MS, silenceMs) },
    interim: Boolean(q.interim_results),
    utteranceEndMs: q.utterance_end_ms,
    vadEvents: Boolean(q.vad_events),
    punctuate: Boolean(q.punctuate || q.smart_format),
    language: engineLanguage(q.language),
    model: q.model,
    record: Boolean(q.record)
  }
}
