import { Type, type Static } from 'typebox'

export const OpenAiErrorSchema = Type.Object(
  {
    error: Type.Object({
      message: Type.String(),
      type: Type.String(),
      param: Type.Union([Type.String(), Type.Null()]),
      code: Type.Union([Type.String(), Type.Null()])
    })
  },
  { $id: 'OpenAiError' }
)

export const ResponseFormat = Type.Enum(['json', 'text', 'srt', 'vtt', 'verbose_json'], { type: 'string' })

/** The multipart fields of POST /v1/audio/transcriptions, as OpenAI documents them. */
export const TranscriptionFormSchema = Type.Object({
  file: Type.String({ format: 'binary', description: 'Audio file: WAV, FLAC, MP3, OGG/Opus, WebM, M4A' }),
  model: Type.String({
    description: 'Engine name (see GET /v1/models); OpenAI model names (whisper-1, gpt-4o-transcribe) mean the default engine, other unknown names are a 400'
  }),
  language: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)?$', description: 'ISO-639-1 code, e.g. en' })),
  prompt: Type.Optional(Type.String({ maxLength: 4000 })),
  response_format: Type.Optional(ResponseFormat),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Accepted for compatibility; engines here decode deterministically' })),
  'timestamp_granularities[]': Type.Optional(Type.Array(Type.Enum(['word', 'segment'], { type: 'string' })))
})
export type TranscriptionForm = Static<typeof TranscriptionFormSchema>

export const TranscriptionJsonSchema = Type.Object({ text: Type.String() })

export const TranscriptionVerboseSchema = Type.Object({
  task: Type.Literal('transcribe'),
  language: Type.String(),
  duration: Type.Number(),
  text: Type.String(),
  segments: Type.Optional(
    Type.Array(
      Type.Object({
        id: Type.Integer(),
        seek: Type.Integer(),
        start: Type.Number(),
        end: Type.Number(),
        text: Type.String(),
        tokens: Type.Array(Type.Integer()),
        temperature: Type.Number(),
        avg_logprob: Type.Number(),
        compression_ratio: Type.Number(),
        no_speech_prob: Type.Number()
      })
    )
  ),
  words: Type.Optional(Type.Array(Type.Object({ word: Type.String(), start: Type.Number(), end: Type.Number() })))
})

export const ModelListSchema = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(
    Type.Object({
      id: Type.String(),
      object: Type.Literal('model'),
      created: Type.Integer(),
      owned_by: Type.String(),
      available: Type.Boolean({ description: 'Whether the engine can run on this server now' }),
      default: Type.Boolean({ description: 'The engine used when a request names an OpenAI model, for its task' }),
      task: Type.Enum(['transcription', 'speech'], { description: 'transcription: POST /v1/audio/transcriptions; speech: POST /v1/audio/speech' })
    })
  )
})
