import type { WebSocket, RawData } from 'ws'
import type { FastifyBaseLogger } from 'fastify'
import { HttpError } from '../../../errors.js'
import { StreamError, type StreamEvent, type StreamSession } from '../../../streaming/index.js'
import { appendedAudio, ClientEventError, CLIENT_EVENTS, describeSession, eventId, itemId, parseSessionUpdate, type RealtimeError } from './protocol.js'

export interface RealtimeConnection {
  socket: WebSocket
  session: StreamSession
  /** the model name the client asked for, echoed back in the session object */
  model: string
  engineFor: (model: string) => string | undefined
  log: FastifyBaseLogger
  /** messages that arrived while the stream was being opened, handled in order after session.created */
  early: Array<[RawData, boolean]>
}

// A WebSocket close reason is at most 123 bytes.
const closeReason = (message: string) => (Buffer.byteLength(message) <= 123 ? message : `${Buffer.from(message).subarray(0, 120).toString()}...`)

/**
 * One /v1/realtime socket: client events become core calls, core events become OpenAI's server events.
 * Deltas follow a commit (by the client or the VAD), as in OpenAI's protocol; partials while someone
 * still speaks are not part of it.
 */
export function serveRealtime(c: RealtimeConnection): Promise<void> {
  const { socket, session, log } = c
  let model = c.model
  let include: string[] = []
  const items = new Map<number, string>()
  let previousItem: string | null = null
  let resumeTimer: NodeJS.Timeout | undefined

  const send = (event: Record<string, unknown>) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ event_id: eventId(), ...event }))
  }
  const sendError = (e: Omit<RealtimeError, 'event_id' | 'param'> & Partial<RealtimeError>) =>
    send({ type: 'error', error: { param: null, event_id: null, ...e } })
  const item = (utterance: number) => {
    let id = items.get(utterance)
    if (!id) items.set(utterance, (id = itemId()))
    return id
  }
  const committed = (utterance: number) => {
    const id = item(utterance)
    send({ type: 'input_audio_buffer.committed', item_id: id, previous_item_id: previousItem })
    previousItem = id
  }
  const sessionObject = () => describeSession(session.id, session.settings, model, include)

  function onMessage(data: RawData, isBinary: boolean): void {
    session.keepAlive()
    if (isBinary) {
      return sendError({
        type: 'invalid_request_error',
        code: 'invalid_message',
        message: 'Binary frames are not part of this protocol: send JSON text events, with audio base64-encoded in input_audio_buffer.append.'
      })
    }
    let event: unknown
    try {
      event = JSON.parse(data.toString())
    } catch {
      return sendError({
        type: 'invalid_request_error',
        code: 'invalid_json',
        message: 'The message is not valid JSON: send one JSON client event per text frame.'
      })
    }
    const clientEventId = typeof (event as { event_id?: unknown })?.event_id === 'string' ? (event as { event_id: string }).event_id : null
    try {
      handle(event)
    } catch (err) {
      if (err instanceof ClientEventError)
        return sendError({ type: 'invalid_request_error', code: err.code, message: err.message, param: err.param, event_id: clientEventId })
      // An engine this server has not configured, named in session.update, is the client's mistake too.
      if (err instanceof StreamError || (err instanceof HttpError && err.statusCode < 500)) {
        return sendError({ type: 'invalid_request_error', code: err.code, message: err.message, event_id: clientEventId })
      }
      log.error({ err }, 'realtime event failed')
      sendError({ type: 'server_error', code: 'server_error', message: 'The server failed on this event; the failure was logged.', event_id: clientEventId })
    }
  }

  function handle(event: unknown): void {
    if (typeof event !== 'object' || event === null || Array.isArray(event) || typeof (event as { type?: unknown }).type !== 'string') {
      throw new ClientEventError('invalid_value', "Each client event is a JSON object with a string 'type'.", 'type')
    }
    const e = event as Record<string, unknown> & { type: string }
    switch (e.type) {
      case 'session.update': {
        const update = parseSessionUpdate(e, session.settings, c.engineFor)
        session.update(update.settings)
        if (update.model !== undefined) model = update.model
        if (update.include) include = update.include
        return send({ type: 'session.updated', session: sessionObject() })
      }
      case 'input_audio_buffer.append': {
        const wait = session.write(appendedAudio(e))
        // Slows a client that runs ahead of real time: its frames wait in TCP buffers, not in memory here.
        if (wait > 0 && !resumeTimer) {
          socket.pause()
          resumeTimer = setTimeout(() => {
            resumeTimer = undefined
            socket.resume()
          }, wait)
        }
        return
      }
      case 'input_audio_buffer.commit': {
        const done = session.commit()
        if (!done)
          throw new ClientEventError('input_audio_buffer_commit_empty', 'Error committing input audio buffer: the buffer is empty; append audio first.')
        return committed(done.utterance)
      }
      case 'input_audio_buffer.clear':
        session.clear()
        return send({ type: 'input_audio_buffer.cleared' })
      case 'voxlens.stream.end':
        // voxlens: OpenAI's protocol ends a stream only by closing the socket; this ends it from the
        // client's side as Deepgram's CloseStream does: what was heard is transcribed, then the server closes.
        void session.end()
        return
      default:
        throw new ClientEventError(
          'invalid_value',
          `Invalid value: '${e.type.slice(0, 80)}'. Supported client events in a transcription session are: ${CLIENT_EVENTS.map((t) => `'${t}'`).join(', ')}.`,
          'type'
        )
    }
  }

  function onEvent(e: StreamEvent): void {
    switch (e.type) {
      case 'speech_started':
        return send({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.round(e.at * 1000), item_id: item(e.utterance) })
      case 'speech_stopped':
        send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.round(e.at * 1000), item_id: item(e.utterance) })
        return committed(e.utterance)
      case 'partial':
        return
      case 'final': {
        const id = item(e.utterance)
        items.delete(e.utterance)
        const logprobs =
          include.length > 0
            ? e.words.map((w) => ({ token: w.word, logprob: Math.log(Math.max(w.confidence, 1e-6)), bytes: [...Buffer.from(w.word)] }))
            : undefined
        e.words.forEach((w, i) =>
          send({ type: 'conversation.item.input_audio_transcription.delta', item_id: id, content_index: 0, delta: i === 0 ? w.word : ` ${w.word}` })
        )
        return send({
          type: 'conversation.item.input_audio_transcription.completed',
          item_id: id,
          content_index: 0,
          transcript: e.text,
          usage: { type: 'duration', seconds: Math.round((e.end - e.start) * 1000) / 1000 },
          ...(logprobs && { logprobs })
        })
      }
      case 'error':
        if (e.utterance === undefined) return sendError({ type: 'server_error', code: e.code, message: e.message })
        return send({
          type: 'conversation.item.input_audio_transcription.failed',
          item_id: item(e.utterance),
          content_index: 0,
          error: { type: 'transcription_error', code: e.code, message: e.message, param: null }
        })
      case 'closed':
        if (e.recordId) send({ type: 'voxlens.stream.recorded', record_id: e.recordId })
        if (e.reason !== 'finished')
          sendError({ type: e.reason === 'server_shutdown' ? 'server_error' : 'invalid_request_error', code: e.reason, message: e.message })
        if (socket.readyState === socket.OPEN) socket.close(e.closeCode, closeReason(e.message))
    }
  }

  socket.on('message', onMessage)
  // Clients keep an idle stream open with WebSocket pings.
  socket.on('ping', () => session.keepAlive())
  // A client that leaves (or vanishes) wants no more transcripts: its stream stops at once.
  socket.on('close', () => {
    clearTimeout(resumeTimer)
    session.abort('finished', 'The client closed the connection.')
  })
  socket.on('error', (err) => log.info({ err }, 'realtime socket error'))

  send({ type: 'session.created', session: sessionObject() })
  for (const [data, isBinary] of c.early) onMessage(data, isBinary)
  return (async () => {
    for await (const e of session) onEvent(e)
  })()
}
