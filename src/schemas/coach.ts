import { Type, type Static } from 'typebox'

const Band = Type.Number({ minimum: 0, maximum: 9, multipleOf: 0.5, description: 'IELTS band, in half bands' })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Criterion = Type.Enum(['fluency_coherence', 'lexical_resource', 'grammatical_range_accuracy', 'pronunciation'], {
  description: 'One of the four IELTS speaking criteria'
})

export const CoachProfileSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  email: Type.String(),
  display_name: Nullable(Type.String()),
  target_band: Nullable(Band),
  first_language: Nullable(Type.String({ description: 'ISO 639-1 code of the first language, e.g. uz' })),
  sessions_count: Type.Integer({ minimum: 0 }),
  latest_overall_band: Nullable(Band),
  streak_days: Type.Integer({ minimum: 0, description: 'Consecutive UTC days with a session or a drill review, up to today' }),
  progress: Type.Array(Type.Object({ session_id: Type.String(), date: Type.String({ format: 'date-time' }), overall: Band }), {
    description: 'Overall band of the latest analysed sessions, oldest first'
  })
})
export type CoachProfile = Static<typeof CoachProfileSchema>

export const ProfileUpdateSchema = Type.Object(
  {
    target_band: Type.Optional(Nullable(Type.Number({ minimum: 1, maximum: 9, multipleOf: 0.5 }))),
    first_language: Type.Optional(Nullable(Type.String({ pattern: '^[a-z]{2}$', description: 'ISO 639-1 code, e.g. uz' }))),
    display_name: Type.Optional(Nullable(Type.String({ maxLength: 80 })))
  },
  { additionalProperties: false, minProperties: 1 }
)

export const Word = Type.Object({
  word: Type.String(),
  start: Type.Number({ description: 'seconds from the start of the answer' }),
  end: Type.Number(),
  confidence: Type.Number({ minimum: 0, maximum: 1 })
})

export const SessionStatus = Type.Enum(['created', 'active', 'ended', 'analysing', 'analysed', 'failed'])

export const CreateSessionSchema = Type.Object(
  {
    part: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal('full')], { description: 'Which part of the test, or the full test' }),
    topic: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description: 'A topic of the question bank (home, work_study, free_time, food, travel, people, technology, places)'
      })
    )
  },
  { additionalProperties: false }
)

export const SessionCreatedSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Literal('created'),
  ws_url: Type.String({ description: 'Where the live session is held: /ws/{id}' })
})

export const SessionSummarySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  part: Type.String(),
  topic: Nullable(Type.String()),
  status: SessionStatus,
  turns: Type.Integer({ minimum: 0 }),
  created_at: Type.String({ format: 'date-time' }),
  ended_at: Nullable(Type.String({ format: 'date-time' }))
})

export const TurnSchema = Type.Object({
  seq: Type.Integer(),
  role: Type.Union([Type.Literal('examiner'), Type.Literal('learner')]),
  part: Type.Integer({ minimum: 1, maximum: 3 }),
  question_id: Nullable(Type.String()),
  text: Type.String(),
  words: Type.Array(Word),
  duration_seconds: Nullable(Type.Number())
})

export const SessionSchema = Type.Object({
  ...SessionSummarySchema.properties,
  started_at: Nullable(Type.String({ format: 'date-time' })),
  duration_seconds: Nullable(Type.Number({ description: 'From start to end of the session' })),
  speaking_seconds: Type.Number({ description: 'The learner answers, first word to last, summed' }),
  turns: Type.Array(TurnSchema)
})

export const FastSummarySchema = Type.Object({
  words_spoken: Type.Integer(),
  speaking_seconds: Type.Number(),
  words_per_minute: Type.Number(),
  long_pauses: Type.Integer(),
  fillers: Type.Integer(),
  top_error_types: Type.Array(Type.Object({ type: Type.String(), count: Type.Integer() })),
  provisional_band: Band,
  computed_ms: Type.Optional(Type.Number({ description: 'time the summary took, database reads included' }))
})

const ErrorEntry = Type.Object({
  type: Type.String(),
  text: Type.String(),
  correction: Type.String(),
  explanation: Type.String(),
  start: Type.Number({ description: 'seconds from the start of answer `seq`' }),
  end: Type.Number(),
  source: Type.Union([Type.Literal('rule'), Type.Literal('grammar'), Type.Literal('llm')]),
  confidence: Type.Number({ description: 'lowest recogniser confidence of the words involved' }),
  seq: Type.Integer(),
  l1: Type.Optional(Type.String({ description: 'the first language this pattern is typical of' }))
})

const CriterionScore = Type.Object({
  criterion: Criterion,
  name: Type.String(),
  band: Band,
  descriptor: Type.String({ description: 'Our summary of the public band descriptor line for this band' }),
  evidence: Type.Array(Type.Object({ quote: Type.String(), seq: Type.Integer(), why: Type.String() })),
  measures: Type.Array(Type.Object({ feature: Type.String(), value: Type.Number(), band: Type.Number() })),
  limitations: Type.Optional(Type.String()),
  adjustment: Type.Optional(Type.Object({ from: Band, delta: Type.Number(), reason: Type.String() }))
})

const Score = Type.Number({ minimum: 0, maximum: 100, description: '0-100' })
const PronunciationScores = Type.Object(
  { accuracy: Score, fluency: Score, completeness: Score, prosody: Score, overall: Score },
  { description: 'Azure-style scores: accuracy from goodness of pronunciation, fluency from pace and pausing, prosody from pitch, rate, pauses and rhythm' }
)
const WordErrorType = Type.Enum(['None', 'Mispronunciation', 'Omission', 'Insertion', 'UnexpectedBreak', 'MissingBreak', 'Monotone'])
const Phoneme = Type.Object({ phoneme: Type.String({ description: 'ARPAbet phone' }), accuracy: Score })
const PronouncedWord = Type.Object({
  word: Type.String(),
  accuracy: Score,
  error_type: WordErrorType,
  start: Type.Number({ description: 'seconds from the start of the answer' }),
  end: Type.Number(),
  phonemes: Type.Array(Phoneme)
})

export const PronunciationSchema = Type.Object({
  status: Type.Enum(['assessed', 'partial', 'not_assessed'], { description: 'assessed: every answer; partial: some; not_assessed: none' }),
  reason: Type.String(),
  limitations: Type.Optional(Type.String({ description: 'what the assessment can and cannot catch' })),
  scores: Type.Optional(PronunciationScores),
  flagged: Type.Optional(
    Type.Array(Type.Object({ seq: Type.Integer(), word: Type.String(), accuracy: Score, error_type: WordErrorType, phonemes: Type.Array(Phoneme) }), {
      description: 'Mispronounced or omitted words, worst first'
    })
  ),
  answers: Type.Optional(
    Type.Array(
      Type.Object({
        seq: Type.Integer({ description: 'the learner turn assessed' }),
        status: Type.Enum(['assessed', 'no_audio', 'engine_unavailable', 'failed']),
        reason: Type.Optional(Type.String()),
        scores: Type.Optional(PronunciationScores),
        words: Type.Optional(Type.Array(PronouncedWord)),
        unscored: Type.Optional(Type.Array(Type.String(), { description: 'recognised words with no dictionary pronunciation' })),
        measures: Type.Optional(Type.Record(Type.String(), Type.Number()))
      })
    )
  ),
  measured: Type.Record(Type.String(), Type.Number(), { description: 'recogniser confidence and pausing' })
})

const Phase = Type.Object({
  status: Type.Enum(['pending', 'queued', 'processing', 'completed', 'failed']),
  seconds: Nullable(Type.Number()),
  error: Type.Optional(Type.String())
})

export const AnalysisViewSchema = Type.Object({
  session_id: Type.String({ format: 'uuid' }),
  session_status: SessionStatus,
  phases: Type.Object({ summary: Phase, analysis: Phase }),
  summary: Nullable(FastSummarySchema),
  analysis: Nullable(
    Type.Object({
      overall: Band,
      criteria: Type.Array(CriterionScore),
      errors: Type.Array(ErrorEntry),
      pronunciation: PronunciationSchema,
      features: Type.Record(Type.String(), Type.Unknown()),
      feedback: Type.Optional(Type.Unknown()),
      prompt: Type.Object({ version: Type.String(), checksum: Type.String() }),
      timings: Type.Record(Type.String(), Type.Number()),
      completed_at: Type.String({ format: 'date-time' })
    })
  )
})

export const ReportLinkSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Enum(['queued', 'completed', 'failed']),
  url: Type.String({ description: 'GET it (signed in as the same user) for application/pdf' }),
  expires_at: Type.String({ format: 'date-time' })
})

export const TaskSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  error_type: Type.String(),
  title: Type.String(),
  instruction: Type.String(),
  example: Type.String(),
  items: Type.Array(Type.String()),
  due_at: Type.String({ format: 'date-time' }),
  session_id: Nullable(Type.String()),
  schedule: Type.Object({
    state: Type.String({ description: 'FSRS card state: new, learning, review, relearning' }),
    reps: Type.Integer(),
    lapses: Type.Integer(),
    stability: Type.Number(),
    difficulty: Type.Number(),
    last_review: Nullable(Type.String({ format: 'date-time' }))
  })
})

export const TasksQuerySchema = Type.Object({
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'Also return a plan over this many days (7 for the weekly plan)' }))
})

export const CompleteTaskSchema = Type.Union(
  [
    Type.Object({ rating: Type.Enum(['again', 'hard', 'good', 'easy']) }, { additionalProperties: false }),
    Type.Object(
      { quality: Type.Integer({ minimum: 0, maximum: 5, description: 'SM-2 style: 0-2 again, 3 hard, 4 good, 5 easy' }) },
      { additionalProperties: false }
    )
  ],
  { description: 'How the drill went: `rating`, or `quality` 0-5' }
)

export const PageQuerySchema = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 100000, default: 0 })
})
