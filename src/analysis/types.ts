import type { Utterance } from '../schemas/conversation.js'

// The analysis' shapes are the wire shapes of a call record, defined once in src/schemas.
export { ENTITY_TYPES, INTENTS, MOODS, TAGS, type Analysis, type Entity, type EntityType, type Intent, type Mood, type Tag } from '../schemas/analysis.js'
export type { Utterance } from '../schemas/conversation.js'

export interface AnalysisInput {
  utterances: Utterance[]
  transcript: string
  durationSeconds: number
  language?: string
}

/** What the analyzer needs of a cache: a subset of the app's Cache, so tests can pass a Map-backed one. */
export interface CacheLike {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
}
