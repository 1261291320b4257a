import { Type, type Static } from 'typebox'

/** FastAPI's error body, which the practice app was written against. */
export const PracticeErrorSchema = Type.Object({ detail: Type.String() }, { $id: 'PracticeError' })

const userId = Type.String({ minLength: 1, maxLength: 128, description: "The app's own user id" })
const conversationId = Type.String({ minLength: 1, maxLength: 64, description: 'Continue this conversation; leave it out to start a new one' })

export const TextChatBodySchema = Type.Object({
  user_id: userId,
  message: Type.String({ description: 'What the learner typed, 1 to 2000 characters' }),
  conversation_id: Type.Optional(conversationId)
})
export type TextChatBody = Static<typeof TextChatBodySchema>

export const VoiceChatFieldsSchema = Type.Object({
  user_id: userId,
  conversation_id: Type.Optional(conversationId)
})

const chatReply = {
  reply_text: Type.String({ description: "The tutor's reply" }),
  correction: Type.Union([Type.String(), Type.Null()], { description: '"<what the learner said> → <corrected>", null when there was no mistake' }),
  hinglish_explanation: Type.Union([Type.String(), Type.Null()], { description: 'Why, in Romanized Hinglish; null with no correction' }),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  audio_url: Type.String({ description: "The reply spoken: this server's /audio/<id>.<ext>, or a presigned URL when S3 is configured" }),
  conversation_id: Type.String()
}

export const ChatReplySchema = Type.Object(chatReply, { $id: 'PracticeChatReply' })
export const VoiceChatReplySchema = Type.Object({ ...chatReply, transcript: Type.String({ description: 'What we heard' }) }, { $id: 'PracticeVoiceChatReply' })

export const InitModelsSchema = Type.Object(
  {
    stt: Type.Object({ status: Type.String({ description: 'loaded or unavailable' }), mode: Type.String({ description: 'the speech engine' }) }),
    llm: Type.Object({ status: Type.Union([Type.Literal('loaded'), Type.Literal('builtin')]) }),
    tts: Type.Record(Type.String(), Type.String(), { description: 'engine name to "loaded" or "unavailable"' })
  },
  { $id: 'PracticeInitModels' }
)

export const PracticeMessageSchema = Type.Object(
  {
    role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
    text: Type.String(),
    transcript: Type.Union([Type.String(), Type.Null()]),
    correction: Type.Union([Type.String(), Type.Null()]),
    hinglish_explanation: Type.Union([Type.String(), Type.Null()]),
    score: Type.Union([Type.Integer(), Type.Null()]),
    audio_url: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' })
  },
  { $id: 'PracticeMessage' }
)

export const ConversationSummarySchema = Type.Object(
  {
    conversation_id: Type.String(),
    user_id: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    message_count: Type.Integer(),
    last_message: Type.Union([Type.String(), Type.Null()])
  },
  { $id: 'PracticeConversationSummary' }
)

export const ConversationSchema = Type.Object(
  {
    conversation_id: Type.String(),
    user_id: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    messages: Type.Array(Type.Ref('PracticeMessage'))
  },
  { $id: 'PracticeConversation' }
)

export const UsageSchema = Type.Object(
  {
    user_id: Type.String(),
    days: Type.Array(
      Type.Object({
        date: Type.String({ format: 'date', description: 'UTC day' }),
        messages: Type.Integer(),
        voice_seconds: Type.Number(),
        average_score: Type.Union([Type.Integer(), Type.Null()])
      })
    )
  },
  { $id: 'PracticeUsage' }
)

export const UserQuerySchema = Type.Object({ user_id: userId })
export const UsageQuerySchema = Type.Object({ user_id: userId, days: Type.Integer({ minimum: 1, maximum: 366, default: 7 }) })

export const practiceSchemas = [
  PracticeErrorSchema,
  ChatReplySchema,
  VoiceChatReplySchema,
  InitModelsSchema,
  PracticeMessageSchema,
  ConversationSummarySchema,
  ConversationSchema,
  UsageSchema
]
