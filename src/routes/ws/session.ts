import type { FastifyPluginAsync } from 'fastify'
import type { RawData } from 'ws'
import { Type } from 'typebox'
import { Value } from 'typebox/value'
import { HttpError } from '../../errors.js'
import type { LiveConnection, LiveSessions } from '../../coach/live/index.js'
import { ClientSchemas, type ClientMessage, type ServerEvent } from '../../schemas/coach-ws.js'

/** Close codes of refusals; the streaming core's own (1000-1013, 4000-4002) keep their meaning. */
export const WS_CLOSE = { unauthorized: 4401, session_not_found: 4404, replaced: 4409 } as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const KNOWN = Object.keys(ClientSchemas)

/** Parses one text frame; a string is the reason it was refused. */
function parse(text: string): ClientMessage | { code: string; message: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { code: 'invalid_json', message: 'The message is not valid JSON: send one JSON object per text frame.' }
  }
  const type = (value as { type?: unknown } | null)?.type
  if (typeof type !== 'string') return { code: 'invalid_message', message: 'Each message is a JSON object with a string "type".' }
  const schema = ClientSchemas[type as keyof typeof ClientSchemas]
  if (!schema) return { code: 'unknown_type', message: `Unknown message type "${type.slice(0, 60)}": use one of ${KNOWN.join(', ')}.` }
  if (Value.Check(schema, value)) return value as ClientMessage
  const [first] = Value.Errors(schema, value)
  return { code: 'invalid_message', message: `Invalid ${type}: ${first?.instancePath || 'message'} ${first?.message ?? 'does not match its schema'}.` }
}

const liveSessionRoute: FastifyPluginAsync<{ live: LiveSessions }> = async (fastify, { live }) => {
  const { coach, streaming } = fastify

  fastify.get<{ Params: { session_id: string }; Querystring: { token?: string } }>(
    '/:session_id',
    {
      websocket: true,
      preHandler: streaming.upgradeLimit,
      schema: {
        // OpenAPI cannot describe a WebSocket protocol: docs/coach-protocol.md does.
        hide: true,
        tags: ['coach'],
        operationId: 'coachLiveSession',
        summary: 'A live speaking session over WebSocket',
        params: Type.Object({ session_id: Type.String() }),
        querystring: Type.Object({ token: Type.Optional(Type.String({ description: 'Bearer token, for clients that cannot set headers' })) })
      }
    },
    async (socket, request) => {
      const early: Array<[RawData, boolean]> = []
      const hold = (data: RawData, isBinary: boolean) => early.push([data, isBinary])
      socket.on('message', hold)
      const refuse = (closeCode: number, code: string, message: string) => {
        socket.send(JSON.stringify({ type: 'error', seq: 0, code, message } satisfies ServerEvent))
        socket.close(closeCode, code)
      }
      const user = request.user
      if (!user) {
        const why = request.wsRefusal
        return refuse(
          WS_CLOSE.unauthorized,
          why?.code ?? 'unauthorized',
          why?.message ?? 'Authentication required: pass ?token=<token> or the subprotocol bearer.<token>.'
        )
      }
      const { session_id: id } = request.params
      try {
        if (!UUID.test(id)) throw new HttpError(404, 'session_not_found', 'No coach session with this id belongs to you.')
        await coach.sessions.owned(user.id, id)
      } catch (err) {
        if (!(err instanceof HttpError) || err.statusCode !== 404) throw err
        return refuse(WS_CLOSE.session_not_found, err.code, `${err.message} Create one with POST /api/v1/sessions.`)
      } finally {
        socket.off('message', hold)
      }
      if (socket.readyState !== socket.OPEN) return

      const session = live.get(user.id, id)
      const connection: LiveConnection = {
        send: (event) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(event)),
        close: (code, reason) => socket.close(code, reason)
      }
      session.attach(connection)
      const onMessage = (data: RawData, isBinary: boolean) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
        if (isBinary) return session.audio(bytes)
        const message = parse(bytes.toString('utf8'))
        if ('type' in message) session.handle(message)
        else session.refuse(message.code, message.message)
      }
      socket.on('message', onMessage)
      socket.on('ping', () => session.handle({ type: 'ping' }))
      socket.on('close', () => session.detach(connection))
      socket.on('error', (err) => request.log.info({ err }, 'coach socket error'))
      for (const [data, isBinary] of early) onMessage(data, isBinary)
    }
  )
}

export default liveSessionRoute
