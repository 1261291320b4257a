import { Type, type Static } from 'typebox'

/** The voice-analytics product's refusal: its clients read `error` and `message`. */
export const AnalyticsErrorSchema = Type.Object(
  {
    error: Type.String({ description: '"ValidationError" for a request to fix, "InternalError" for a fault on our side' }),
    message: Type.String({ description: 'What went wrong and what to do about it' }),
    details: Type.Optional(Type.Object({ code: Type.String({ description: 'Stable machine-readable code' }), info: Type.Optional(Type.Unknown()) }))
  },
  { $id: 'AnalyticsError' }
)
export type AnalyticsError = Static<typeof AnalyticsErrorSchema>
