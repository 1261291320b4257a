import { Type, type Static } from 'typebox'

/** Deepgram answers every refusal with this object; its SDKs surface `err_msg`. */
export const DeepgramErrorSchema = Type.Object(
  {
    err_code: Type.String({ description: 'Stable machine-readable code, e.g. INVALID_AUTH, corrupt_audio' }),
    err_msg: Type.String({ description: 'What went wrong and what to do about it' }),
    request_id: Type.String()
  },
  { $id: 'DeepgramError' }
)

const flag = (description: string) => Type.Optional(Type.Boolean({ description }))

/** The query options voxlens honours; others that Deepgram's SDKs send are accepted and ignored. */
export const ListenQuerySchema = Type.Object({
  model: Type.Optional(Type.String({ description: 'A voxlens engine name (sphinx, whisper ...); any Deepgram model name means the default engine' })),
  language: Type.Optional(Type.String({ description: 'BCP-47 tag such as en or en-US; the engine gets its primary language' })),
  punctuate: flag('Capitalise sentence starts and end sentences with a full stop in `punctuated_word`'),
  smart_format: flag('As punctuate'),
  diarize: flag('Label every word and utterance with a speaker number'),
  utterances: flag('Split the transcript into utterances at pauses and speaker changes'),
  sentiment: flag('Sentiment of every utterance and of the whole recording')
})
export type ListenQuery = Static<typeof ListenQuerySchema>

const WordSchema = Type.Object({
  word: Type.String(),
  start: Type.Number(),
  end: Type.Number(),
  confidence: Type.Number(),
  punctuated_word: Type.Optional(Type.String()),
  speaker: Type.Optional(Type.Integer()),
  speaker_confidence: Type.Optional(Type.Number())
})
export type DeepgramWord = Static<typeof WordSchema>

const SentimentSchema = Type.Object({
  sentiment: Type.Union([Type.Literal('positive'), Type.Literal('neutral'), Type.Literal('negative')]),
  sentiment_score: Type.Number()
})

const UtteranceSchema = Type.Object({
  id: Type.String(),
  start: Type.Number(),
  end: Type.Number(),
  confidence: Type.Number(),
  channel: Type.Integer(),
  transcript: Type.String(),
  words: Type.Array(WordSchema),
  speaker: Type.Optional(Type.Integer())
})

export const ListenResponseSchema = Type.Object(
  {
    metadata: Type.Object({
      transaction_key: Type.String(),
      request_id: Type.String(),
      sha256: Type.String(),
      created: Type.String({ format: 'date-time' }),
      duration: Type.Number(),
      channels: Type.Integer(),
      models: Type.Array(Type.String()),
      model_info: Type.Record(Type.String(), Type.Object({ name: Type.String(), version: Type.String(), arch: Type.String() }))
    }),
    results: Type.Object({
      channels: Type.Array(
        Type.Object({
          alternatives: Type.Array(Type.Object({ transcript: Type.String(), confidence: Type.Number(), words: Type.Array(WordSchema) })),
          detected_language: Type.Optional(Type.String())
        })
      ),
      utterances: Type.Optional(Type.Array(UtteranceSchema)),
      sentiments: Type.Optional(
        Type.Object({
          segments: Type.Array(Type.Object({ text: Type.String(), start_word: Type.Integer(), end_word: Type.Integer(), ...SentimentSchema.properties })),
          average: SentimentSchema
        })
      )
    })
  },
  { $id: 'DeepgramListenResponse' }
)
export type ListenResponse = Static<typeof ListenResponseSchema>
