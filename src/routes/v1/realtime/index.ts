import type { FastifyPluginAsync } from 'fastify'
import type { RawData } from 'ws'
import { Type } from 'typebox'
import { HttpError } from '../../../errors.js'
import { useErrorShape } from '../../../plugins/app/errors.js'
import { security } from '../../../schemas/common.js'
import { audioFormat, DEFAULT_TURN_DETECTION, StreamError } from '../../../streaming/index.js'
import { engineForModel } from '../../../stt/model-name.js'
import { serveRealtime } from './connection.js'

const QuerySchema = Type.Object({
  intent: Type.Optional(Type.String({ description: '`transcription` (the only kind of session this server runs)' })),
  model: Type.Optional(Type.String({ description: 'an engine name (sphinx, whisper...) or any other name for the default engine' })),
  record: Type.Optional(
    Type.Boolean({
      description:
        'voxlens: keep the stream as a call record when it ends; a client that ends it with voxlens.stream.end is told its id in voxlens.stream.recorded'
    })
  )
})

const openAiErrorType = (status: number) =>
  status === 401 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error'

/**
 * OpenAI's Realtime transcription protocol at /v1/realtime, so the official SDKs' realtime clients
 * work against voxlens. Its own scope: refusals before the upgrade are HTTP errors in OpenAI's shape,
 * with the /v1 family's auth policy (OpenAI SDKs' placeholder keys count as anonymous unless
 * AUTH_MODE=required). Browsers, which cannot set headers on a WebSocket, may pass the key as the
 * subprotocol `openai-insecure-api-key.<key>`, as OpenAI accepts.
 */
const realtimeFamily: FastifyPluginAsync = async (fastify) => {
  useErrorShape(fastify, (e) => ({ error: { message: e.message, type: openAiErrorType(e.statusCode), param: null, code: e.code } }))
  const required = fastify.config.AUTH_MODE === 'required'
  fastify.addHook('onRequest', async (request) => {
    const protocols = request.headers['sec-websocket-protocol']
    const key = typeof protocols === 'string' ? /(?:^|,)\s*openai-insecure-api-key\.([^,\s]+)/.exec(protocols)?.[1] : undefined
    if (key && !request.headers.authorization) request.headers.authorization = `Bearer ${key}`
  })
  fastify.addHook('onRequest', fastify.authenticate({ required, foreignSecretsAreAnonymous: !required }))
  const { stt, streaming } = fastify

  const engineFor = (model: string | undefined) => engineForModel(stt, model)

  fastify.get<{ Querystring: { intent?: string; model?: string; record?: boolean } }>(
    '/',
    {
      websocket: true,
      preHandler: streaming.upgradeLimit,
      preValidation: async (request) => {
        const { intent, model } = request.query
        if (intent !== undefined && intent !== 'transcription') {
          throw new HttpError(400, 'invalid_intent', `This server runs transcription sessions only: connect with ?intent=transcription, not "${intent}".`)
        }
        // A named engine this server cannot run is refused before the upgrade.
        engineFor(model)
      },
      schema: {
        // OpenAPI cannot describe a WebSocket protocol: README documents it.
        hide: true,
        tags: ['openai'],
        operationId: 'realtimeTranscription',
        summary: 'Live transcription over WebSocket (OpenAI Realtime-compatible)',
        security: security.optionalBearer,
        querystring: QuerySchema
      }
    },
    async (socket, request) => {
      const early: Array<[RawData, boolean]> = []
      const hold = (data: RawData, isBinary: boolean) => early.push([data, isBinary])
      socket.on('message', hold)
      const model = request.query.model ?? 'gpt-4o-transcribe'
      let session
      try {
        session = await streaming.hub.open({
          protocol: 'openai',
          owner: streaming.ownerOf(request),
          engine: engineFor(model),
          // OpenAI's defaults: 24 kHz PCM16 and server VAD.
          format: audioFormat('pcm16', 24000),
          turnDetection: DEFAULT_TURN_DETECTION,
          record: request.query.record
        })
      } catch (err) {
        const refused = err instanceof StreamError
        if (!refused) request.log.error({ err }, 'realtime stream could not open')
        const message = refused ? err.message : 'The stream could not be opened; the failure was logged.'
        const code = refused ? err.code : 'server_error'
        socket.send(
          JSON.stringify({
            type: 'error',
            event_id: `event_${request.id}`,
            error: { type: refused ? 'invalid_request_error' : 'server_error', code, message, param: null, event_id: null }
          })
        )
        socket.close(refused ? (err.closeCode ?? 1008) : 1011, code)
        return
      } finally {
        socket.off('message', hold)
      }
      if (socket.readyState !== socket.OPEN) return session.abort('finished', 'The client left while the stream was opening.')
      request.log.info({ stream: session.id, engine: session.engine }, 'realtime stream opened')
      await serveRealtime({ socket, session, model, engineFor, log: request.log, early })
      request.log.info({ stream: session.id }, 'realtime stream closed')
    }
  )
}

export default realtimeFamily
