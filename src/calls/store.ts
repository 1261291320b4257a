import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import type { ListCallsQuery } from '../schemas/calls.js'
import { badRequest, notFound } from '../errors.js'

/** Anonymous callers see only anonymous records; a signed-in caller sees only their own. */
export const ownerScope = (ownerId: string | null): Prisma.CallRecordWhereInput => ({ ownerId })

export async function listCalls(prisma: PrismaClient, ownerId: string | null, q: ListCallsQuery) {
  const start = q.start_date ? new Date(q.start_date) : undefined
  const end = q.end_date ? new Date(q.end_date) : undefined
  if (start && end && start > end) throw badRequest('start_date is after end_date.', 'invalid_date_range')
  const where: Prisma.CallRecordWhereInput = {
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
  const [data, total] = await prisma.$transaction([
    prisma.callRecord.findMany({ where, orderBy: { createdAt: 'desc' }, take: q.limit, skip: q.skip }),
    prisma.callRecord.count({ where })
  ])
  return { data, total }
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
