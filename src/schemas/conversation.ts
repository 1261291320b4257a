import { Type, type Static } from 'typebox'
import { EMOTION_LABELS } from '../emotion/types.js'

/**
 * What the pipeline makes of a conversation, as stored on a call record and sent on the wire:
 * words, utterances, speakers, emotion and sentiment, stage timings. Each schema is registered once
 * (`conversationSchemas`) and referenced by `$ref`; `ConversationRefs` resolves those refs in `Static<>`.
 */

export const EmotionSchema = Type.Enum([...EMOTION_LABELS], {
  $id: 'Emotion',
  type: 'string',
  description: `Emotion label, the same vocabulary in utterances, the call and its analysis: ${EMOTION_LABELS.join(', ')}`
})
export type Emotion = Static<typeof EmotionSchema>

export const SENTIMENT_LABELS = ['POSITIVE', 'NEUTRAL', 'NEGATIVE'] as const
export const SentimentLabelSchema = Type.Enum([...SENTIMENT_LABELS], { $id: 'SentimentLabel', type: 'string' })
export type SentimentLabel = Static<typeof SentimentLabelSchema>

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const WordSchema = Type.Object(
  {
    word: Type.String(),
    start: Type.Number({ description: 'Seconds from the start of the recording' }),
    end: Type.Number({ description: 'Seconds from the start of the recording' }),
    confidence: Type.Number({ minimum: 0, maximum: 1, description: "The engine's posterior probability" }),
    speaker: Type.Optional(Type.String({ description: 'Speaker label; set once speakers are assigned' }))
  },
  { $id: 'Word' }
)

/** One speaker's turn; the emotion fields are there when emotion analysis ran. */
export const UtteranceSchema = Type.Object(
  {
    speaker: Type.String({ description: "'A', 'B', ... in order of first appearance" }),
    start: Type.Number({ description: 'Seconds from the start of the recording' }),
    end: Type.Number({ description: 'Seconds from the start of the recording' }),
    text: Type.String(),
    emotion: Type.Optional(Type.Ref('Emotion')),
    sentiment: Type.Optional(Type.Ref('SentimentLabel')),
    sentiment_score: Type.Optional(Type.Number({ minimum: -1, maximum: 1, description: '-1 negative .. 1 positive' }))
  },
  { $id: 'Utterance' }
)

export const SpeakerSchema = Type.Object(
  {
    label: Type.String(),
    role: Nullable(Type.String({ description: 'From the analysis, e.g. agent, customer' })),
    talk_time: Type.Number({ description: 'Seconds this speaker talks' }),
    emotion: Nullable(Type.Ref('Emotion')),
    sentiment: Nullable(Type.Ref('SentimentLabel'))
  },
  { $id: 'Speaker' }
)

/** The recording's overall sentiment and emotion. */
export const SentimentSchema = Type.Object(
  {
    label: Type.Ref('SentimentLabel'),
    score: Type.Number({ minimum: -1, maximum: 1, description: '-1 negative .. 1 positive' }),
    emotion: Type.Ref('Emotion'),
    confidence: Type.Number({ minimum: 0, maximum: 1, description: '0 means there was nothing to judge' })
  },
  { $id: 'Sentiment' }
)

const ms = (stage: string) => Type.Optional(Type.Integer({ minimum: 0, description: `Milliseconds spent in ${stage}` }))

/** Milliseconds per pipeline stage; a stage that did not run is absent. */
export const TimingsSchema = Type.Object(
  { decode: ms('decoding'), stt: ms('speech-to-text'), diarize: ms('diarization'), emotion: ms('emotion analysis'), analyze: ms('analysis') },
  { $id: 'Timings', additionalProperties: Type.Integer({ minimum: 0 }) }
)

export const conversationSchemas = [EmotionSchema, SentimentLabelSchema, WordSchema, UtteranceSchema, SpeakerSchema, SentimentSchema, TimingsSchema]

/** The `$ref` targets, so `Static<T, ConversationRefs>` sees through `Type.Ref`. */
export type ConversationRefs = {
  Emotion: typeof EmotionSchema
  SentimentLabel: typeof SentimentLabelSchema
  Word: typeof WordSchema
  Utterance: typeof UtteranceSchema
  Speaker: typeof SpeakerSchema
  Sentiment: typeof SentimentSchema
  Timings: typeof TimingsSchema
}

export type Word = Static<typeof WordSchema>
export type Utterance = Static<typeof UtteranceSchema, ConversationRefs>
export type Speaker = Static<typeof SpeakerSchema, ConversationRefs>
export type Sentiment = Static<typeof SentimentSchema, ConversationRefs>
export type Timings = Static<typeof TimingsSchema>
