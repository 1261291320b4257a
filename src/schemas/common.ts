import { Type, type Static, type TLiteral, type TProperties, type TSchema } from 'typebox'

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

/** The success body of every /api route: `{success: true, data}`, plus any fields beside data (a list's total). */
export const ok = <T extends TSchema, P extends TProperties = Record<never, never>>(data: T, beside?: P) =>
  Type.Object({ success: Type.Literal(true), data, ...beside } as { success: TLiteral<true>; data: T } & P)

/** `{success: true}` alone: the /api answer to a request that returns nothing. */
export const Done = Type.Object({ success: Type.Literal(true) })

/**
 * OpenAPI `security` of a route. The spec is generated with AUTH_MODE=optional: a bearer token is
 * accepted but not needed, except on routes that act on a session.
 */
type Security = { [scheme: string]: string[] }[]
export const security: { optionalBearer: Security; bearer: Security; none: Security } = {
  optionalBearer: [{ bearer: [] }, {}],
  bearer: [{ bearer: [] }],
  none: []
}
