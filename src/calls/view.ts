import type { CallRecord } from '../generated/prisma/client.js'
import type { CallRecordView } from '../schemas/calls.js'

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
    ai_tags: r.tags,
    user_tags: r.userTagsSet ? r.userTags : null,
    roles: r.roles ?? {},
    emotions: r.emotions ?? [],
    intent: r.intent,
    mood: r.mood,
    insights: r.insights ?? [],
    entities: r.entities ?? [],
    sentiment: r.sentiment ?? null,
    upload_timestamp: r.createdAt.toISOString(),
    duration: r.durationSeconds,
    language: r.language,
    engine: r.engine,
    words: (r.words as CallRecordView['words'] | null) ?? [],
    utterances: r.utterances ?? [],
    speakers: r.speakers ?? [],
    timings: r.timings ?? {},
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
