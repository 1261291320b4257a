import { createHash } from 'node:crypto'
import type { WebSocket, RawData } from 'ws'
import { bytesPerSecond, StreamError, type StreamEvent, type StreamSession } from '../streaming/index.js'
import { deepgramWord, transcriptOf } from './prerecorded.js'
import type { LiveOptions } from './live-options.js'

/** Deepgram's close code for data it cannot use, with its DATA-0000 style reason. */
export const POLICY_VIOLATION = 1008

const round3 = (n: number) => Math.round(n * 1000) / 1000
/** A close reason is at most 123 bytes. */
const closeReason = (text: string) =>
  Buffer.from(text)
    .subarray(0, 123)
    .toString()
    .replace(/\uFFFD$/, '')

/**
 * Serves one Deepgram live stream over an open session: binary frames are audio, text frames are
 * KeepAlive / Finalize / CloseStream; the session's events become Results, SpeechStarted,
 * UtteranceEnd and, on close, Metadata. The socket is a byte stream as Deepgram's is, so an odd
 * byte of PCM16 waits for the next frame instead of being refused.
 */
export async function serveDeepgramLive(socket: WebSocket, session: StreamSession, opts: LiveOptions, requestId: string): Promise<void> {
  const modelInfo = { name: session.engine, version: 'voxlens', arch: session.engine }
  const metadata = { request_id: requestId, model_info: modelInfo, model_uuid: session.engine }
  const hash = createHash('sha256')
  const bps = bytesPerSecond(opts.format)
  let carry: Buffer | undefined
  let audioSeconds = 0
  /** the end of the last final word not yet followed by an UtteranceEnd */
  let lastWordEnd: number | undefined
  let refusal: { code: number; reason: string } | undefined
  let closeRequested = false

  const send = (message: object) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
  }
  /** Bad input ends the stream: what was heard still gets its finals, then the socket closes with `code`. */
  const refuse = (code: number, reason: string) => {
    refusal ??= { code, reason }
    if (!closeRequested) {
      closeRequested = true
      void session.end()
    }
  }
  const utteranceEnd = () => {
    if (opts.utteranceEndMs === undefined || lastWordEnd === undefined) return
    if (audioSeconds - lastWordEnd < opts.utteranceEndMs / 1000) return
    send({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: lastWordEnd })
    lastWordEnd = undefined
  }

  function onAudio(data: Buffer) {
    if (closeRequested) {
      // Audio after CloseStream cannot be transcribed; the finals of what came before are still sent.
      refusal ??= { code: POLICY_VIOLATION, reason: 'DATA-0000: audio arrived after CloseStream and was dropped' }
      return
    }
    let bytes = carry ? Buffer.concat([carry, data]) : data
    carry = undefined
    if (opts.format.encoding === 'pcm16' && bytes.length % 2 === 1) {
      carry = Buffer.from(bytes.subarray(bytes.length - 1))
      bytes = bytes.subarray(0, bytes.length - 1)
    }
    if (bytes.length === 0) return
    hash.update(bytes)
    const wait = session.write(bytes)
    audioSeconds += bytes.length / bps
    utteranceEnd()
    // A client running ahead of real time is slowed at the socket.
    if (wait > 0) {
      socket.pause()
      setTimeout(() => socket.resume(), wait).unref()
    }
  }

  function onControl(text: string) {
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      return refuse(POLICY_VIOLATION, 'DATA-0000: text frames must be JSON control messages; send audio as binary frames')
    }
    const type = (message as { type?: unknown } | null)?.type
    if (type === 'KeepAlive') session.keepAlive()
    else if (type === 'Finalize') session.commit()
    else if (type === 'CloseStream') {
      closeRequested = true
      void session.end()
    } else refuse(POLICY_VIOLATION, `DATA-0000: unknown control message ${JSON.stringify(type ?? null)}: send KeepAlive, Finalize or CloseStream`)
  }

  socket.on('message', (data: RawData, isBinary: boolean) => {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
    try {
      if (isBinary) onAudio(buffer)
      else onControl(buffer.toString('utf8'))
    } catch (err) {
      if (!(err instanceof StreamError)) throw err
      // A stream a limit is ending closes with that limit's code; only the client's own CloseStream makes late audio its fault.
      if (err.code === 'session_closed') return
      refuse(err.closeCode ?? POLICY_VIOLATION, err.message)
    }
  })
  socket.on('close', () => session.abort('finished', 'The client went away.'))

  for await (const event of session) {
    if (event.type === 'closed') {
      send({
        type: 'Metadata',
        transaction_key: 'deprecated',
        request_id: requestId,
        sha256: hash.digest('hex'),
        created: new Date().toISOString(),
        duration: event.audioSeconds,
        channels: 1,
        models: [session.engine],
        model_info: { [session.engine]: modelInfo },
        // voxlens: the call record a stream opened with record=true became
        ...(event.recordId && { record_id: event.recordId })
      })
      const code = refusal?.code ?? (event.reason === 'idle_timeout' ? 1011 : event.closeCode)
      const reason = refusal?.reason ?? (event.reason === 'idle_timeout' ? `NET-0001: ${event.message}` : event.message)
      if (socket.readyState === socket.OPEN) socket.close(code, closeReason(reason))
      return
    }
    const message = toDeepgram(event, opts, metadata)
    if (message) send(message)
    if (event.type === 'final' && event.words.length > 0) {
      lastWordEnd = event.words[event.words.length - 1]!.end
      utteranceEnd()
    }
  }
}

type Metadata = { request_id: string; model_info: { name: string; version: string; arch: string }; model_uuid: string }

/** One core event as a Deepgram server message, or null when Deepgram has no message for it. */
export function toDeepgram(event: Exclude<StreamEvent, { type: 'closed' }>, opts: LiveOptions, metadata: Metadata): object | null {
  switch (event.type) {
    case 'speech_started':
      return opts.vadEvents ? { type: 'SpeechStarted', channel: [0, 1], timestamp: event.at } : null
    case 'partial': {
      if (!opts.interim) return null
      const transcript = opts.punctuate ? event.text.charAt(0).toUpperCase() + event.text.slice(1) : event.text
      // Scores come with the final; an interim word is placed in time but not yet scored.
      const words = event.words.map((w, i) => deepgramWord({ ...w, confidence: 0 }, opts.punctuate, i === 0, false))
      return results(event.start, event.end, { transcript, confidence: 0, words }, { is_final: false, speech_final: false }, metadata)
    }
    case 'final': {
      const words = event.words.map((w, i) => deepgramWord(w, opts.punctuate, i === 0, i === event.words.length - 1))
      return results(
        event.start,
        event.end,
        { transcript: transcriptOf(words), confidence: event.confidence, words },
        { is_final: true, speech_final: event.cause === 'endpoint', from_finalize: event.cause === 'commit' },
        metadata
      )
    }
    case 'error':
      // Deepgram has no error message mid-stream: that utterance's words are lost and the stream goes on.
      return null
    default:
      return null
  }
}

function results(start: number, end: number, alternative: object, flags: object, metadata: Metadata) {
  return {
    type: 'Results',
    channel_index: [0, 1],
    duration: round3(end - start),
    start: round3(start),
    ...flags,
    channel: { alternatives: [alternative] },
    metadata
  }
}
