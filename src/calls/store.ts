import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import type { ListCallsQuery } from '../schemas/calls.js'
import { badRequest } from '../errors.js'

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
