import type { FastifyPluginAsync } from 'fastify'
import { security } from '../../schemas/common.js'
import { engineForModel } from '../../stt/model-name.js'
import { StreamError } from '../../streaming/index.js'
import { liveOptions, LiveQuerySchema, type LiveOptions } from '../../deepgram/live-options.js'
import { POLICY_VIOLATION, serveDeepgramLive } from '../../deepgram/live.js'

declare module 'fastify' {
  interface FastifyRequest {
    deepgramLive?: LiveOptions
  }
}

/** Deepgram live transcription: a WebSocket at the same path as pre-recorded, told apart by the upgrade. */
const liveRoute: FastifyPluginAsync = async (fastify) => {
  const { hub, upgradeLimit, ownerOf } = fastify.streaming

  fastify.get(
    '',
    {
      websocket: true,
      validatorCompiler: () => () => true,
      // Options are checked before the upgrade, so a bad encoding or sample rate is a 400 with Deepgram's body.
      preValidation: async (request) => {
        request.deepgramLive = liveOptions(request.query as Record<string, unknown>)
        engineForModel(fastify.stt, request.deepgramLive.model)
      },
      preHandler: upgradeLimit,
      schema: {
        tags: ['deepgram'],
        operationId: 'deepgramListenLive',
        summary: 'Live transcription over WebSocket (Deepgram-compatible)',
        description:
          "Speaks Deepgram's live `/v1/listen` protocol: binary frames of linear16 or mulaw audio; text frames KeepAlive, Finalize, CloseStream; " +
          'server messages Results, SpeechStarted, UtteranceEnd and Metadata. Answers 400 with a Deepgram error body when the query is refused.',
        security: security.optionalBearer,
        querystring: LiveQuerySchema
      }
    },
    async (socket, request) => {
      const opts = request.deepgramLive!
      // Frames that arrive while the session opens are replayed to it in order.
      const early: [Buffer, boolean][] = []
      const hold = (data: Buffer, isBinary: boolean) => early.push([data, isBinary])
      socket.on('message', hold)
      try {
        const session = await hub.open({
          protocol: 'deepgram',
          owner: ownerOf(request),
          engine: engineForModel(fastify.stt, opts.model),
          language: opts.language,
          format: opts.format,
          turnDetection: opts.turnDetection,
          partials: opts.interim,
          record: opts.record
        })
        socket.off('message', hold)
        // A client that left while the session opened frees it at once, not at the idle timeout.
        if (socket.readyState !== socket.OPEN) return session.abort('finished', 'The client went away.')
        const served = serveDeepgramLive(socket, session, opts, request.id)
        for (const [data, isBinary] of early) socket.emit('message', data, isBinary)
        await served
      } catch (err) {
        if (!(err instanceof StreamError)) throw err
        socket.close(err.closeCode ?? POLICY_VIOLATION, err.message.slice(0, 120))
      }
    }
  )
}

export default liveRoute
