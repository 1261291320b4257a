import { Type, type Static } from 'typebox'
import { EMOTION_LABELS } from '../emotion/types.js'

export const TAGS = ['client wants to buy', 'wrong number', 'needs follow-up', 'voicemail', 'complaint', 'inquiry', 'sale', 'support', 'other'] as const
export const INTENTS = ['purchase', 'complaint', 'information', 'support', 'cancel', 'other'] as const
export const MOODS = ['positive', 'negative', 'neutral', 'mixed'] as const
export const ENTITY_TYPES = ['person', 'organization', 'date', 'time', 'money', 'phone', 'email'] as const

export type Tag = (typeof TAGS)[number]
export type Intent = (typeof INTENTS)[number]
export type Mood = (typeof MOODS)[number]
export type EntityType = (typeof ENTITY_TYPES)[number]

/**
 * What the analyzer says about a conversation. The same schema checks a model's JSON answer and
 * describes the analysis fields of a call record (which point into it with `Analysis#/properties/...`),
 * so it stays self-contained: no `$ref`, since chat providers receive it as a plain JSON Schema.
 */
export const AnalysisSchema = Type.Object(
  {
    summary: Type.String({ minLength: 1, description: '2-3 sentences on what the conversation was about and how it ended' }),
    tags: Type.Array(Type.Enum([...TAGS], { type: 'string' }), { description: 'every tag that applies' }),
    intent: Type.Enum([...INTENTS], { type: 'string', description: "the customer's or caller's main intent" }),
    mood: Type.Enum([...MOODS], { type: 'string', description: 'overall mood of the conversation' }),
    emotions: Type.Array(Type.Enum([...EMOTION_LABELS], { type: 'string' }), {
      description: `emotions the customer or caller expressed, most frequent first, in the emotion labels of the utterances: ${EMOTION_LABELS.join(', ')}`
    }),
    roles: Type.Record(Type.String(), Type.String(), {
      description: 'speaker label -> role, e.g. agent, customer, caller, recipient'
    }),
    insights: Type.Array(Type.String(), { description: '2-3 short, useful facts derived from the conversation' }),
    entities: Type.Array(
      Type.Object({ type: Type.Enum([...ENTITY_TYPES], { type: 'string' }), text: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
      { description: 'names, organisations, dates, times, money, phone numbers, emails' }
    )
  },
  { $id: 'Analysis', additionalProperties: false }
)
export type Analysis = Static<typeof AnalysisSchema>
export type Entity = Analysis['entities'][number]
