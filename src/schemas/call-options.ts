import { Type, type Static } from 'typebox'

/** Processing options of POST /api/calls, as multipart fields or query parameters. */
export const CallOptionsSchema = Type.Object({
  engine: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Speech engine (GET /v1/models); default engine otherwise' })),
  language: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)?$' })),
  diarize: Type.Boolean({ default: true, description: 'Find who spoke when' }),
  emotion: Type.Boolean({ default: true }),
  analyze: Type.Boolean({ default: true, description: 'Summary, tags, intent, mood, insights' }),
  speakers_expected: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  async: Type.Boolean({ default: false, description: 'Answer 202 at once and process on the job queue' }),
  webhook_url: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', description: 'POSTed the finished record, signed with WEBHOOK_SECRET' }))
})
export type CallOptionsInput = Static<typeof CallOptionsSchema>
