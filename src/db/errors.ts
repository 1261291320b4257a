import { HttpError } from '../errors.js'

/**
 * Signs that the database could not be reached or dropped the connection, as Prisma, its pg driver
 * adapter and pg report them: Prisma codes (P1001 can't reach, P1002 timed out, P1008 operation timed
 * out, P1017 connection closed), socket codes, Postgres admin shutdown / cannot-connect-now / too many
 * connections (57P01-57P03, 53300) and connection exceptions (class 08).
 */
const CODES = new Set([
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006'
])
const KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError'])
const MESSAGES = /Connection terminated|Can't reach database server|Server has closed the connection|connection (refused|reset)/i

/** True when the error (or anything it wraps) says the database is unreachable, not that a query is wrong. */
export function isDatabaseConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false
  const e = err as { code?: unknown; kind?: unknown; message?: unknown; name?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } }
  if (typeof e.code === 'string' && CODES.has(e.code)) return true
  if (typeof e.kind === 'string' && KINDS.has(e.kind)) return true
  if (e.kind === 'postgres' && typeof (e as { code?: unknown }).code === 'string' && CODES.has((e as { code: string }).code)) return true
  if (e.name === 'PrismaClientInitializationError') return true
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true
  return isDatabaseConnectionError(e.cause, depth + 1) || isDatabaseConnectionError(e.meta?.driverAdapterError, depth + 1)
}

/** Seconds a client is asked to wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

export const databaseUnavailable = () =>
  new HttpError(503, 'database_unavailable', `The database is unavailable right now; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`)

/** A short, safe reason for /ready: never the driver's message, which names hosts and databases. */
export function databaseProblem(err: unknown): string {
  return isDatabaseConnectionError(err) ? 'database unreachable' : 'database query failed'
}
