import { Prisma, type CallRecord, type PrismaClient } from '../generated/prisma/client.js'
import { LIST_LIMIT_DEFAULT, TRANSCRIPT_PREVIEW_CHARS, type ListCallsQuery } from '../schemas/calls.js'
import { badRequest, notFound } from '../errors.js'

/** Anonymous callers see only anonymous records; a signed-in caller sees only their own. */
export const ownerScope = (ownerId: string | null): Prisma.CallRecordWhereInput => ({ ownerId })

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i
const DAY_MS = 86_400_000

const YEAR_MIN = 1900
const YEAR_MAX = 9999

/**
 * One end of a date filter as a range of instants. A plain date covers its whole day in UTC, so
 * `end_date=2024-12-31` includes that evening; a date-time without an offset is read as UTC too,
 * never as the server's local time.
 */
export function dateBound(param: string, value: string): { from: Date; until: Date } {
  const m = DATE_TIME.exec(value)
  const year = m ? Number(m[1]) : NaN
  // Date.UTC reads years 0-99 as 1900-1999 and the database refuses far-off years: keep both out.
  if (m && (year < YEAR_MIN || year > YEAR_MAX)) {
    throw badRequest(`${param} must fall in the years ${YEAR_MIN} to ${YEAR_MAX}; got "${value}".`, 'invalid_date')
  }
  const day = m && new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3])))
  // Date.UTC rolls 2024-02-30 over into March: only a real calendar date survives the round trip.
  const real = day && day.toISOString().slice(0, 10) === value.slice(0, 10)
  const at = !real ? undefined : value.length === 10 ? day : new Date(`${value.replace(' ', 'T')}${m[4] ? '' : 'Z'}`)
  if (!at || Number.isNaN(at.getTime())) {
    throw badRequest(`${param} must be a date like 2024-01-31 or a date-time like 2024-01-31T09:30:00Z; got "${value}".`, 'invalid_date')
  }
  return value.length === 10 ? { from: at, until: new Date(at.getTime() + DAY_MS - 1) } : { from: at, until: at }
}

/** What a list item is made of, as the list query returns it (JSON, so the time is an ISO string). */
export type CallSummaryRow = Pick<
  CallRecord,
  | 'id'
  | 'filename'
  | 'status'
  | 'progress'
  | 'error'
  | 'summary'
  | 'tags'
  | 'userTags'
  | 'userTagsSet'
  | 'emotions'
  | 'intent'
  | 'mood'
  | 'sentiment'
  | 'durationSeconds'
  | 'language'
  | 'engine'
> & {
  /** The transcript's first TRANSCRIPT_PREVIEW_CHARS + 1 characters: enough to cut a preview and know whether it was cut. */
  transcript: string | null
  speakerCount: number
  /** created_at as Date.toISOString() writes it */
  createdAt: string
}

function listWhere(ownerId: string | null, q: ListCallsQuery): Prisma.CallRecordWhereInput {
  const start = q.start_date === undefined ? undefined : dateBound('start_date', q.start_date).from
  const end = q.end_date === undefined ? undefined : dateBound('end_date', q.end_date).until
  if (start && end && start > end) throw badRequest('start_date is after end_date.', 'invalid_date_range')
  return {
    ...ownerScope(ownerId),
    ...((start || end) && { createdAt: { ...(start && { gte: start }), ...(end && { lte: end }) } }),
    // The tag filter matches the effective tags: the user's override when set, otherwise the AI's.
    ...(q.tag && {
      OR: [
        { userTagsSet: true, userTags: { has: q.tag } },
        { userTagsSet: false, tags: { has: q.tag } }
      ]
    })
  }
}

export type CallPage = { view: 'summary'; data: CallSummaryRow[]; total: number } | { view: 'full'; data: CallRecord[]; total: number }

/**
 * One page of the caller's records, newest first, and the count of all matches. Whole records take
 * two queries, side by side rather than in a transaction: a transaction holds a pooled connection
 * for both and, under load, waits for one until Prisma gives up; a count one insert apart does no harm.
 */
export async function listCalls(prisma: PrismaClient, ownerId: string | null, q: ListCallsQuery): Promise<CallPage> {
  const where = listWhere(ownerId, q)
  const page = { where, orderBy: { createdAt: 'desc' as const }, take: q.limit ?? LIST_LIMIT_DEFAULT, skip: q.skip ?? 0 }
  if (q.view === 'full') {
    const [data, total] = await Promise.all([prisma.callRecord.findMany(page), prisma.callRecord.count({ where })])
    return { view: 'full', data, total }
  }
  const { rows, total } = await listSummaries(prisma, ownerId, q, page.take, page.skip)
  return { view: 'summary', data: rows, total }
}

/**
 * A summary page and the count of all matches in one query. SQL rather than findMany: whole
 * transcripts (a few KB each) cost more to fetch and decode than everything else in the request,
 * and the speakers are only counted. The page comes back as one JSON text that JSON.parse reads
 * far faster than the driver and Prisma decode a hundred rows of arrays, JSON and dates. A page that
 * is not full is the last one, so its rows give the total; only a full (or past-the-end) page runs the
 * count, its own subquery (Postgres runs it only when the CASE reaches it), a plain count of the
 * matching rows: a window count would build every one, transcript preview included, before the LIMIT.
 * Filters as in listWhere.
 */
async function listSummaries(prisma: PrismaClient, ownerId: string | null, q: ListCallsQuery, take: number, skip: number) {
  const start = q.start_date === undefined ? undefined : dateBound('start_date', q.start_date).from
  const end = q.end_date === undefined ? undefined : dateBound('end_date', q.end_date).until
  // created_at holds UTC wall time without a zone; casting an ISO string to timestamp keeps it so.
  const filters = Prisma.join(
    [
      ownerId === null ? Prisma.sql`owner_id IS NULL` : Prisma.sql`owner_id = ${ownerId}::uuid`,
      ...(start ? [Prisma.sql`created_at >= ${start.toISOString()}::timestamp`] : []),
      ...(end ? [Prisma.sql`created_at <= ${end.toISOString()}::timestamp`] : []),
      ...(q.tag ? [Prisma.sql`((user_tags_set AND user_tags @> ARRAY[${q.tag}]::text[]) OR (NOT user_tags_set AND tags @> ARRAY[${q.tag}]::text[]))`] : [])
    ],
    ' AND '
  )
  const [result] = await prisma.$queryRaw<{ total: number; rows: string }[]>`
    SELECT (CASE WHEN count(*) < ${take}::int AND (count(*) > 0 OR ${skip}::int = 0) THEN ${skip}::int + count(*)
        ELSE (SELECT count(*) FROM call_records WHERE ${filters}) END)::int AS total,
      coalesce(json_agg(page ORDER BY page."createdAt" DESC), '[]')::text AS rows
    FROM (
      SELECT id, filename, status, progress, error, left(transcript, ${TRANSCRIPT_PREVIEW_CHARS + 1}::int) AS transcript,
        summary, tags, user_tags AS "userTags", user_tags_set AS "userTagsSet", emotions, intent, mood, sentiment,
        CASE WHEN jsonb_typeof(speakers) = 'array' THEN jsonb_array_length(speakers) ELSE 0 END AS "speakerCount",
        to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt", duration_seconds AS "durationSeconds", language, engine
      FROM call_records
      WHERE ${filters}
      ORDER BY created_at DESC
      LIMIT ${take}::int OFFSET ${skip}::int
    ) page`
  return { total: result!.total, rows: JSON.parse(result!.rows) as CallSummaryRow[] }
}

/** A record the caller may see; another owner's record is indistinguishable from a missing one. */
export async function getOwnedCall(prisma: PrismaClient, ownerId: string | null, id: string) {
  const call = await prisma.callRecord.findFirst({ where: { id, ...ownerScope(ownerId) } })
  if (!call) throw notFound(`No call record ${id} is visible to you.`, 'call_not_found')
  return call
}

export async function setUserTags(prisma: PrismaClient, ownerId: string | null, id: string, tags: string[]) {
  await getOwnedCall(prisma, ownerId, id)
  const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))]
  return prisma.callRecord.update({ where: { id }, data: { userTags: clean, userTagsSet: true } })
}

export async function deleteCall(prisma: PrismaClient, ownerId: string | null, id: string) {
  await getOwnedCall(prisma, ownerId, id)
  await prisma.callRecord.delete({ where: { id } })
}

/** Tag statistics over the caller's records; effective tags (the user's override wins). */
export async function callAnalytics(prisma: PrismaClient, ownerId: string | null) {
  const rows = await prisma.callRecord.findMany({
    where: ownerScope(ownerId),
    select: { tags: true, userTags: true, userTagsSet: true, transcript: true }
  })
  const distribution: Record<string, number> = {}
  let totalTags = 0
  let withTranscript = 0
  for (const r of rows) {
    const tags = r.userTagsSet ? r.userTags : r.tags
    totalTags += tags.length
    for (const t of tags) distribution[t] = (distribution[t] ?? 0) + 1
    if (r.transcript && r.transcript.trim()) withTranscript++
  }
  return {
    total_calls: rows.length,
    total_tags: totalTags,
    average_tags_per_call: rows.length ? Math.round((totalTags / rows.length) * 100) / 100 : 0,
    calls_with_transcript: withTranscript,
    calls_without_transcript: rows.length - withTranscript,
    tag_distribution: distribution
  }
}
