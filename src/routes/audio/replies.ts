import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HttpError, notFound } from '../../errors.js'
import { security } from '../../schemas/common.js'
import { CONTENT_TYPES, speechKeyOfFile } from '../../tts/index.js'

const ValidationError = Type.Ref('AnalyticsError')
const binary = Type.String({ format: 'binary' })

/** One `bytes=` range (players ask for one at a time); several ranges are answered with the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null
  if (!match || (match[1] === '' && match[2] === '')) return null
  let start: number
  let end: number
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0) return 'unsatisfiable'
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
    if (end < start) return match[2] === '' || Number(match[2]) >= start ? 'unsatisfiable' : null
  }
  return start >= size ? 'unsatisfiable' : { start, end }
}

/**
 * Spoken replies kept on local disk, at the URLs the TTS plugin hands out. Names are hashes of what was
 * said, so they never change: clients may cache them for good. With S3 the plugin hands out presigned
 * URLs instead, and an old local-style URL is redirected to one.
 */
const repliesRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/:file',
    {
      // Media players fetch these without credentials, from any page: the unguessable name is the access.
      config: { public: true, helmet: { crossOriginResourcePolicy: { policy: 'cross-origin' } } },
      schema: {
        tags: ['analytics'],
        security: security.none,
        operationId: 'getSpokenReply',
        summary: 'Download a spoken reply (supports Range requests)',
        params: Type.Object({ file: Type.String({ maxLength: 64, description: '<id>.<format>, as in the URL the reply came with' }) }),
        response: {
          200: { description: 'The whole file', content: Object.fromEntries(Object.values(CONTENT_TYPES).map((t) => [t, { schema: binary }])) },
          206: { description: 'The requested byte range', content: Object.fromEntries(Object.values(CONTENT_TYPES).map((t) => [t, { schema: binary }])) },
          302: { description: 'With S3 storage: a presigned URL of the file' },
          304: { description: 'Unchanged since the ETag the client sent' },
          404: ValidationError,
          416: { description: 'The range lies outside the file' }
        }
      }
    },
    async (request, reply) => {
      const missing = () => notFound(`No spoken reply "${request.params.file}".`, 'blob_not_found')
      const found = speechKeyOfFile(request.params.file)
      if (!found) throw missing()
      const { storage } = fastify
      if (storage.kind === 's3') {
        if (!(await storage.exists(found.key))) throw missing()
        return reply.redirect((await storage.url(found.key))!, 302)
      }
      const etag = `"${request.params.file}"`
      reply.header('etag', etag).header('cache-control', 'public, max-age=31536000, immutable').header('accept-ranges', 'bytes')
      if (request.headers['if-none-match'] === etag) return reply.code(304).send()
      // Replies are seconds of compressed speech: reading the whole file is simpler than seeking and as fast.
      // The store's own not-found names its directory; anyone may call this route, so it says less.
      const audio = await storage.get(found.key).catch((err: unknown) => {
        throw err instanceof HttpError && err.statusCode === 404 ? missing() : err
      })
      reply.type(CONTENT_TYPES[found.format])
      const range = parseRange(request.headers.range, audio.length)
      if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${audio.length}`).send()
      if (!range) return reply.send(audio)
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${audio.length}`)
        .send(audio.subarray(range.start, range.end + 1))
    }
  )
}

export default repliesRoute
