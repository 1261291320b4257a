import type { CallRecord } from '../generated/prisma/client.js'
import { TRANSCRIPT_PREVIEW_CHARS, type CallRecordView, type CallSummaryView } from '../schemas/calls.js'
import type { CallSummaryRow } from './store.js'

// The JSON columns are written by the pipeline in exactly these shapes (src/pipeline/process-call.ts).
type Stored<K extends keyof CallRecordView> = CallRecordView[K]

/** Maps a stored record to the JSON the calls API returns; the user's tags win over the AI's. */
export function toCallView(r: CallRecord): CallRecordView {
  return {
    id: r.id,
    filename: r.filename,
    status: r.status,
    progress: r.progress,
    error: r.error,
    transcript: r.transcript,
    summary: r.summary,
    tags: r.userTagsSet ? r.userTags : r.tags,
    ai_tags: r.tags as Stored<'ai_tags'>,
    user_tags: r.userTagsSet ? r.userTags : null,
    roles: (r.roles as Stored<'roles'> | null) ?? {},
    emotions: (r.emotions as Stored<'emotions'> | null) ?? [],
    intent: r.intent as Stored<'intent'>,
    mood: r.mood as Stored<'mood'>,
    insights: (r.insights as Stored<'insights'> | null) ?? [],
    entities: (r.entities as Stored<'entities'> | null) ?? [],
    sentiment: (r.sentiment as Stored<'sentiment'>) ?? null,
    upload_timestamp: r.createdAt.toISOString(),
    duration: r.durationSeconds,
    language: r.language,
    engine: r.engine,
    words: (r.words as Stored<'words'> | null) ?? [],
    utterances: (r.utterances as Stored<'utterances'> | null) ?? [],
    speakers: (r.speakers as Stored<'speakers'> | null) ?? [],
    timings: (r.timings as Stored<'timings'> | null) ?? {},
    prompt_version: r.promptVersion,
    webhook: r.webhookUrl
      ? {
          // The status is first written by the first attempt; until then the delivery is pending.
          status: r.webhookStatus ?? 'pending',
          attempts: r.webhookAttempts,
          last_error: r.webhookLastError,
          delivered_at: r.webhookDeliveredAt?.toISOString() ?? null
        }
      : null
  }
}

/** The start of a transcript for a list, cut at a word so no word is shown half. */
export function transcriptPreview(transcript: string | null): string | null {
  if (transcript === null || transcript.length <= TRANSCRIPT_PREVIEW_CHARS) return transcript
  const head = transcript.slice(0, TRANSCRIPT_PREVIEW_CHARS)
  const space = head.lastIndexOf(' ')
  return `${(space > TRANSCRIPT_PREVIEW_CHARS / 2 ? head.slice(0, space) : head).trimEnd()}…`
}

/** A list item: the fields a list page shows, from the columns the list query selects. */
export function toCallSummary(r: CallSummaryRow): CallSummaryView {
  return {
    id: r.id,
    filename: r.filename,
    status: r.status,
    progress: r.progress,
    error: r.error,
    transcript_preview: transcriptPreview(r.transcript),
    summary: r.summary,
    tags: r.userTagsSet ? r.userTags : r.tags,
    ai_tags: r.tags as Stored<'ai_tags'>,
    user_tags: r.userTagsSet ? r.userTags : null,
    emotions: (r.emotions as Stored<'emotions'> | null) ?? [],
    intent: r.intent as Stored<'intent'>,
    mood: r.mood as Stored<'mood'>,
    sentiment: (r.sentiment as Stored<'sentiment'>) ?? null,
    speaker_count: r.speakerCount,
    upload_timestamp: r.createdAt,
    duration: r.durationSeconds,
    language: r.language,
    engine: r.engine
  }
}
