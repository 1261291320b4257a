import { Type, type Static } from 'typebox'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const CallWordSchema = Type.Object({
  word: Type.String(),
  start: Type.Number({ description: 'seconds' }),
  end: Type.Number({ description: 'seconds' }),
  confidence: Type.Number(),
  speaker: Type.Optional(Type.String())
})

/** Delivery of the record to its webhook_url: retried with backoff, each attempt counted. */
export const CallWebhookSchema = Type.Object({
  status: Type.Enum(['pending', 'delivered', 'failed'], { description: 'failed: every attempt failed, or the receiver answered a final 4xx' }),
  attempts: Type.Integer({ minimum: 0, description: 'POSTs made so far' }),
  last_error: Nullable(Type.String({ description: 'why the latest attempt failed, e.g. "receiver answered 503"' })),
  delivered_at: Nullable(Type.String({ format: 'date-time' }))
})

/** A call record as the call-transcription product reads it, plus our additions. */
export const CallRecordSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    filename: Type.String(),
    status: Type.Enum(['queued', 'processing', 'completed', 'failed']),
    progress: Type.Integer({ minimum: 0, maximum: 100 }),
    error: Nullable(Type.String()),
    transcript: Nullable(Type.String()),
    summary: Nullable(Type.String()),
    tags: Type.Array(Type.String(), { description: "The user's tags when set, otherwise the AI's" }),
    ai_tags: Type.Array(Type.String()),
    user_tags: Nullable(Type.Array(Type.String())),
    roles: Type.Unknown({ description: 'Role per speaker label' }),
    emotions: Type.Unknown(),
    intent: Nullable(Type.String()),
    mood: Nullable(Type.String()),
    insights: Type.Unknown(),
    entities: Type.Unknown({ description: 'Names, organisations, dates, times, money, phone numbers, emails' }),
    sentiment: Type.Unknown({ description: 'Overall {label: POSITIVE|NEUTRAL|NEGATIVE, score, emotion, confidence}' }),
    upload_timestamp: Type.String({ format: 'date-time' }),
    duration: Nullable(Type.Number({ description: 'seconds' })),
    language: Nullable(Type.String()),
    engine: Nullable(Type.String()),
    words: Type.Array(CallWordSchema),
    utterances: Type.Unknown(),
    speakers: Type.Unknown(),
    timings: Type.Unknown({ description: 'Milliseconds per pipeline stage' }),
    prompt_version: Nullable(Type.String()),
    webhook: Type.Union([CallWebhookSchema, Type.Null()], { description: 'null when the call has no webhook_url' })
  },
  { $id: 'CallRecord' }
)
export type CallRecordView = Static<typeof CallRecordSchema>

export const ListCallsQuerySchema = Type.Object({
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  start_date: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601, inclusive' })),
  end_date: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601, inclusive' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  skip: Type.Integer({ minimum: 0, default: 0 })
})
export type ListCallsQuery = Static<typeof ListCallsQuerySchema>

export const callSchemas = [CallRecordSchema]
