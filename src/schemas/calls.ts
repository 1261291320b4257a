import { Type, type Static } from 'typebox'
import { AnalysisSchema } from './analysis.js'
import { conversationSchemas, type ConversationRefs } from './conversation.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

type AnalysisFields = typeof AnalysisSchema.properties
/** A field of the Analysis schema, by `$ref`: a call record carries the analysis fields at its top level. */
const analysisField = <K extends keyof AnalysisFields & string>(k: K) => Type.Ref(`Analysis#/properties/${k}` as `Analysis#/properties/${K}`)
type AnalysisRefs = { [K in keyof AnalysisFields & string as `Analysis#/properties/${K}`]: AnalysisFields[K] }

/** Delivery of the record to its webhook_url: retried with backoff, each attempt counted. */
export const CallWebhookSchema = Type.Object({
  status: Type.Enum(['pending', 'delivered', 'failed'], { type: 'string', description: 'failed: every attempt failed, or the receiver answered a final 4xx' }),
  attempts: Type.Integer({ minimum: 0, description: 'POSTs made so far' }),
  last_error: Nullable(Type.String({ description: 'why the latest attempt failed, e.g. "receiver answered 503"' })),
  delivered_at: Nullable(Type.String({ format: 'date-time' }))
})

/** A call record as the call-transcription product reads it, plus our additions. */
export const CallRecordSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    filename: Type.String(),
    status: Type.Enum(['queued', 'processing', 'completed', 'failed'], { type: 'string' }),
    progress: Type.Integer({ minimum: 0, maximum: 100 }),
    error: Nullable(Type.String()),
    transcript: Nullable(Type.String()),
    summary: Nullable(analysisField('summary')),
    tags: Type.Array(Type.String(), { description: "The user's tags when set, otherwise the AI's" }),
    ai_tags: analysisField('tags'),
    user_tags: Nullable(Type.Array(Type.String())),
    roles: analysisField('roles'),
    emotions: Type.Array(Type.String(), { description: 'The overall emotion label, then the emotions the analysis names' }),
    intent: Nullable(analysisField('intent')),
    mood: Nullable(analysisField('mood')),
    insights: analysisField('insights'),
    entities: analysisField('entities'),
    sentiment: Nullable(Type.Ref('Sentiment')),
    upload_timestamp: Type.String({ format: 'date-time' }),
    duration: Nullable(Type.Number({ description: 'seconds' })),
    language: Nullable(Type.String()),
    engine: Nullable(Type.String()),
    words: Type.Array(Type.Ref('Word')),
    utterances: Type.Array(Type.Ref('Utterance')),
    speakers: Type.Array(Type.Ref('Speaker')),
    timings: Type.Ref('Timings'),
    prompt_version: Nullable(Type.String()),
    webhook: Type.Union([CallWebhookSchema, Type.Null()], { description: 'null when the call has no webhook_url' })
  },
  { $id: 'CallRecord' }
)
export type CallRecordView = Static<typeof CallRecordSchema, ConversationRefs & AnalysisRefs>

/** Characters of the transcript a list item carries; the whole text is on GET /api/calls/{id}. */
export const TRANSCRIPT_PREVIEW_CHARS = 280

/**
 * A call record as GET /api/calls lists it: what a list page shows, without the transcript's words,
 * utterances and analysis details, which make a page of full records hundreds of kilobytes.
 * `?view=full` lists whole CallRecords instead.
 */
export const CallSummarySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    filename: Type.String(),
    status: CallRecordSchema.properties.status,
    progress: CallRecordSchema.properties.progress,
    error: Nullable(Type.String()),
    transcript_preview: Nullable(
      Type.String({ description: `The transcript's first ${TRANSCRIPT_PREVIEW_CHARS} characters or so, cut at a word and ending in "…" when cut` })
    ),
    summary: Nullable(analysisField('summary')),
    tags: CallRecordSchema.properties.tags,
    ai_tags: analysisField('tags'),
    user_tags: Nullable(Type.Array(Type.String())),
    emotions: CallRecordSchema.properties.emotions,
    intent: Nullable(analysisField('intent')),
    mood: Nullable(analysisField('mood')),
    sentiment: Nullable(Type.Ref('Sentiment')),
    speaker_count: Type.Integer({ minimum: 0, description: 'Speakers told apart; 0 until diarization ran' }),
    upload_timestamp: Type.String({ format: 'date-time' }),
    duration: Nullable(Type.Number({ description: 'seconds' })),
    language: Nullable(Type.String()),
    engine: Nullable(Type.String())
  },
  { $id: 'CallSummary' }
)
export type CallSummaryView = Static<typeof CallSummarySchema, ConversationRefs & AnalysisRefs>

export const LIST_LIMIT_DEFAULT = 100
/** Deeper pages are better reached with a date filter; larger values used to overflow into a 500. */
export const LIST_SKIP_MAX = 1_000_000

export const ListCallsQuerySchema = Type.Object({
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  // Checked by listCalls, which can name the parameter and tell a date from a date-time.
  start_date: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'Inclusive. A date (2024-01-31, from its start, UTC) or an ISO 8601 date-time, years 1900 to 9999',
      examples: ['2024-01-01']
    })
  ),
  end_date: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'Inclusive. A date (2024-12-31, to its end, UTC) or an ISO 8601 date-time, years 1900 to 9999',
      examples: ['2024-12-31']
    })
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: LIST_LIMIT_DEFAULT })),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: LIST_SKIP_MAX, default: 0 })),
  view: Type.Optional(
    Type.Enum(['summary', 'full'], {
      type: 'string',
      default: 'summary',
      description: 'summary: CallSummary items (no words, utterances or full transcript); full: whole CallRecords, as GET /api/calls/{id} answers'
    })
  )
})
export type ListCallsQuery = Static<typeof ListCallsQuerySchema>

/** The answer to an upload with async=true: progress shows on GET /api/calls/{id}. */
export const QueuedCallSchema = Type.Object({ id: Type.String({ format: 'uuid' }), status: Type.Literal('queued') }, { $id: 'QueuedCall' })

export const callSchemas = [AnalysisSchema, ...conversationSchemas, CallRecordSchema, CallSummarySchema, QueuedCallSchema]
