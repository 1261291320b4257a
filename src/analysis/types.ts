export const TAGS = [
  'client wants to buy', 'wrong number', 'needs follow-up', 'voicemail', 'complaint', 'inquiry', 'sale', 'support', 'other'
] as const
export const INTENTS = ['purchase', 'complaint', 'information', 'support', 'cancel', 'other'] as const
export const MOODS = ['positive', 'negative', 'neutral', 'mixed'] as const
export const ENTITY_TYPES = ['person', 'organization', 'date', 'time', 'money', 'phone', 'email'] as const

export type Tag = (typeof TAGS)[number]
export type Intent = (typeof INTENTS)[number]
export type Mood = (typeof MOODS)[number]
export type EntityType = (typeof ENTITY_TYPES)[number]

export interface Utterance {
  speaker: string
  /** seconds from the start of the audio */
  start: number
  end: number
  text: string
  emotion?: string
  sentiment?: string
}

export interface AnalysisInput {
  utterances: Utterance[]
  transcript: string
  durationSeconds: number
  language?: string
}

export interface Entity {
  type: EntityType
  text: string
}

export interface Analysis {
  summary: string
  tags: Tag[]
  intent: Intent
  mood: Mood
  emotions: string[]
  roles: Record<string, string>
  insights: string[]
  entities: Entity[]
}

/** What the analyzer needs of a cache: a subset of the app's Cache, so tests can pass a Map-backed one. */
export interface CacheLike {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
}
