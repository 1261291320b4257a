import { Type, type Static } from 'typebox'
import { Word } from './coach.js'

/**
 * The live coach protocol at /ws/{session_id} (docs/coach-protocol.md): one JSON schema per message,
 * each with an `$id`, so clients and tests validate every frame against the same text.
 */
const Seq = Type.Integer({
  minimum: 0,
  description: 'Increasing per session and kept for session.resume; 0 on a refusal sent before the connection joined its session'
})
const ClientSeq = Type.Optional(Type.Integer({ minimum: 0, description: "The client's own counter; echoed nowhere, allowed for symmetry" }))
const server = <K extends string, T extends Record<string, Parameters<typeof Type.Object>[0][string]>>(type: K, fields: T, description: string) =>
  Type.Object({ type: Type.Literal(type), seq: Seq, ...fields }, { $id: `CoachWs.${type}`, additionalProperties: false, description })

export const SessionStartedSchema = server('session.started', { session_id: Type.String({ format: 'uuid' }) }, 'The session is live.')
export const AiReplySchema = server(
  'ai.reply',
  {
    text: Type.String({ minLength: 1 }),
    question_id: Type.Union([Type.String(), Type.Null()], {
      description: 'Question bank id; "<id>.followup" for a chat model follow-up to the answer before; null for the closing line'
    }),
    part: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]),
    prepare_seconds: Type.Optional(Type.Integer({ description: 'Part 2 cue card: time to prepare before talking' })),
    max_talk_seconds: Type.Optional(Type.Integer({ description: 'Part 2 cue card: the longest talk expected; the client commits by then' }))
  },
  "The examiner's next question, or the closing line when the script is done."
)
export const TtsAudioSchema = server(
  'tts.audio',
  {
    question_id: Type.Union([Type.String(), Type.Null()]),
    url: Type.String({ description: 'Where the spoken reply can be fetched (GET, with the same token)' }),
    format: Type.String({ description: 'Audio encoding, e.g. mp3' }),
    audio: Type.Optional(Type.String({ description: 'Base64 of the file, when session.start asked for inline_audio' }))
  },
  'The spoken form of the ai.reply with the same question_id.'
)
export const SttPartialSchema = server('stt.partial', { text: Type.String() }, 'The recogniser’s current guess while the learner speaks.')
export const SttFinalSchema = server(
  'stt.final',
  { text: Type.String(), words: Type.Array(Word), question_id: Type.Union([Type.String(), Type.Null()]) },
  'One answer, recognised; word times are seconds from the start of the answer. It is stored as a learner turn.'
)
export const SummaryReadySchema = server(
  'session.summary_ready',
  {
    summary: Type.Object(
      {
        words_spoken: Type.Integer({ minimum: 0 }),
        speaking_seconds: Type.Number({ minimum: 0 }),
        words_per_minute: Type.Number({ minimum: 0 }),
        long_pauses: Type.Integer({ minimum: 0 }),
        fillers: Type.Integer({ minimum: 0 }),
        top_error_types: Type.Array(Type.Object({ type: Type.String(), count: Type.Integer({ minimum: 1 }) })),
        provisional_band: Type.Number({ minimum: 0, maximum: 9, multipleOf: 0.5 }),
        computed_ms: Type.Optional(Type.Number())
      },
      { additionalProperties: false }
    )
  },
  'The fast summary, computed when the session ended.'
)
export const AnalysisReadySchema = server(
  'session.analysis_ready',
  { analysis_id: Type.String({ format: 'uuid' }) },
  'The deep analysis is done: read it at GET /api/v1/analysis/sessions/{session_id}.'
)
export const ErrorEventSchema = server(
  'error',
  { code: Type.String(), message: Type.String() },
  'Something the server refused or that failed; unless a close frame follows, the session stays open.'
)
export const PongSchema = server('pong', {}, 'The answer to ping.')

export const COACH_WS_SERVER_SCHEMAS = [
  SessionStartedSchema,
  AiReplySchema,
  TtsAudioSchema,
  SttPartialSchema,
  SttFinalSchema,
  SummaryReadySchema,
  AnalysisReadySchema,
  ErrorEventSchema,
  PongSchema
] as const

export type ServerEvent =
  | Static<typeof SessionStartedSchema>
  | Static<typeof AiReplySchema>
  | Static<typeof TtsAudioSchema>
  | Static<typeof SttPartialSchema>
  | Static<typeof SttFinalSchema>
  | Static<typeof SummaryReadySchema>
  | Static<typeof AnalysisReadySchema>
  | Static<typeof ErrorEventSchema>
  | Static<typeof PongSchema>

/** A server event before the session gives it its sequence number. */
export type OutgoingEvent = ServerEvent extends infer E ? (E extends { seq: number } ? Omit<E, 'seq'> : never) : never

const client = <K extends string, T extends Record<string, Parameters<typeof Type.Object>[0][string]>>(type: K, fields: T, description: string) =>
  Type.Object({ type: Type.Literal(type), seq: ClientSeq, ...fields }, { $id: `CoachWs.client.${type}`, additionalProperties: false, description })

export const ClientSchemas = {
  'session.start': client(
    'session.start',
    {
      part: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal('full')])),
      topic: Type.Optional(Type.String()),
      inline_audio: Type.Optional(Type.Boolean({ description: 'Put each reply’s audio, base64, into tts.audio' }))
    },
    'Starts the session (or continues one already started): the examiner asks the pending question.'
  ),
  'session.resume': client(
    'session.resume',
    { last_seq: Type.Integer({ minimum: 0, description: 'The highest server seq the client has seen' }) },
    'After a dropped connection: every server event after last_seq is sent again, then the session goes on.'
  ),
  'audio.config': client(
    'audio.config',
    { sample_rate: Type.Union([Type.Literal(8000), Type.Literal(16000), Type.Literal(24000), Type.Literal(48000)]), encoding: Type.Literal('pcm16') },
    'The format of the binary audio frames (default 16000 Hz pcm16).'
  ),
  'audio.append': client('audio.append', { audio: Type.String({ description: 'Base64 PCM16 LE mono' }) }, 'Audio as base64, instead of a binary frame.'),
  'audio.commit': client('audio.commit', {}, 'The learner finished this answer.'),
  'session.end': client('session.end', {}, 'Ends the session: summary_ready, then analysis_ready, then the server closes with 1000.'),
  ping: client('ping', {}, 'Keeps the connection alive; answered with pong.')
} as const

export type ClientMessageType = keyof typeof ClientSchemas
export type ClientMessage = { [K in ClientMessageType]: Static<(typeof ClientSchemas)[K]> }[ClientMessageType]
