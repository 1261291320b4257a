import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { HttpError } from '../../errors.js'
import { useErrorShape } from '../../plugins/app/errors.js'
import { createLiveSessions } from '../../coach/live/index.js'
import { audioFormat } from '../../streaming/index.js'
import liveSessionRoute from './session.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** why the credentials were refused; told to the client as a close code after the upgrade */
    wsRefusal?: HttpError
  }
}

/** `bearer.<token>` among the offered subprotocols, for browsers, which cannot set headers on a WebSocket. */
const SUBPROTOCOL_TOKEN = /(?:^|,)\s*bearer\.([^,\s]+)/i

function credentials(request: FastifyRequest): void {
  if (request.headers.authorization !== undefined) return
  const offered = request.headers['sec-websocket-protocol']
  const fromProtocol = typeof offered === 'string' ? SUBPROTOCOL_TOKEN.exec(offered)?.[1] : undefined
  const fromQuery = (request.query as { token?: unknown }).token
  const token = fromProtocol ?? (typeof fromQuery === 'string' && fromQuery ? fromQuery : undefined)
  if (token) request.headers.authorization = `Bearer ${token}`
}

/**
 * The speaking coach's live protocol at /ws/{session_id} (docs/coach-protocol.md). Every connection
 * needs a signed-in user, like /api/v1. Browsers never see an HTTP status of a refused upgrade, so a
 * missing or bad token is told after the upgrade, as an error event and close code 4401.
 */
const wsFamily: FastifyPluginAsync = async (fastify) => {
  useErrorShape(fastify, (e) => ({ success: false, error: e.message, code: e.code }))
  const authenticate = fastify.authenticate({ required: true })
  fastify.addHook('onRequest', async function (request, reply) {
    credentials(request)
    try {
      await authenticate.call(this, request, reply)
    } catch (err) {
      if (!(err instanceof HttpError) || err.statusCode !== 401) throw err
      request.wsRefusal = err
    }
  })

  const { coach, tts, streaming, db, log } = fastify
  const live = createLiveSessions({
    sessions: coach.sessions,
    log,
    async speak(text, inline) {
      const stored = await tts.speakToStorage({ text, format: 'mp3' })
      const audio = inline ? (await tts.synthesize({ text, format: 'mp3' })).audio : undefined
      return { url: stored.url, format: stored.format, audio }
    },
    openStream: (userId, sampleRate) =>
      streaming.hub.open({
        protocol: 'coach',
        owner: `user:${userId}`,
        format: audioFormat('pcm16', sampleRate),
        // Answers end when the learner says so (audio.commit): a pause to think must not cut an answer.
        turnDetection: null
      }),
    analysis: (sessionId) => db.prisma.coachAnalysis.findUnique({ where: { sessionId }, select: { id: true, status: true, error: true } })
  })
  fastify.addHook('onClose', async () => live.close())

  await fastify.register(liveSessionRoute, { live })
}

export default wsFamily
