import { Type, type Static } from 'typebox'

export const RegisterBodySchema = Type.Object({
  username: Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$', description: 'Letters, digits, _ . -' }),
  password: Type.String({ minLength: 8, maxLength: 256, description: 'At least 8 characters' }),
  email: Type.String({ format: 'email', maxLength: 254 })
})
export type RegisterBody = Static<typeof RegisterBodySchema>

export const RegisteredUserSchema = Type.Object(
  { user_id: Type.String({ format: 'uuid' }), username: Type.String(), email: Type.String() },
  { $id: 'RegisteredUser' }
)

export const LoginBodySchema = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) })
export type LoginBody = Static<typeof LoginBodySchema>

export const SessionSchema = Type.Object(
  {
    token: Type.String({ description: 'Send as Authorization: Bearer <token>' }),
    user_id: Type.String({ format: 'uuid' }),
    username: Type.String(),
    email: Type.String(),
    expires_at: Type.String({ format: 'date-time' })
  },
  { $id: 'Session' }
)

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    prefix: Type.String({ description: 'First characters of the key, to recognise it' }),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
  },
  { $id: 'ApiKey' }
)

export const NewApiKeyBodySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 }))
})
export type NewApiKeyBody = Static<typeof NewApiKeyBodySchema>

export const CreatedApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    prefix: Type.String(),
    key: Type.String({ description: 'The secret: shown once, store it now' }),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
  },
  { $id: 'CreatedApiKey' }
)

// Request bodies are inline in their one route; only shapes several routes return are components.
export const authSchemas = [RegisteredUserSchema, SessionSchema, ApiKeySchema, CreatedApiKeySchema]
