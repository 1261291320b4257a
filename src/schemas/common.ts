import { Type, type Static } from 'typebox'

/** The error body of every route except the contract families that fix their own shape. */
export const ErrorResponseSchema = Type.Object(
  {
    error: Type.String({ description: 'Stable machine-readable code or error class' }),
    message: Type.String({ description: 'What went wrong and what to do about it' }),
    details: Type.Optional(Type.Unknown())
  },
  { $id: 'ErrorResponse' }
)
export type ErrorResponse = Static<typeof ErrorResponseSchema>

/** The error body of the /api family: `{success: false, error}`, with our stable code beside it. */
export const EnvelopeErrorSchema = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.String({ description: 'What went wrong and what to do about it' }),
    code: Type.String({ description: 'Stable machine-readable code' }),
    details: Type.Optional(Type.Unknown())
  },
  { $id: 'EnvelopeError' }
)
export type EnvelopeError = Static<typeof EnvelopeErrorSchema>

export const ErrorRef = Type.Ref('ErrorResponse')
export const EnvelopeErrorRef = Type.Ref('EnvelopeError')

/** Error responses shared by every /api route. */
export const envelopeErrors = {
  400: EnvelopeErrorRef,
  401: EnvelopeErrorRef,
  429: EnvelopeErrorRef,
  500: EnvelopeErrorRef
}
