/**
 * Live transcription, free of any wire format. A protocol adapter (OpenAI Realtime, Deepgram live,
 * the coach's session protocol) opens a session on the hub, writes the client's audio bytes, calls
 * commit / clear / keepAlive / end as its client asks, and turns the session's events into its own
 * messages. Limits, endpointing, engines and metrics live here, once.
 *
 *   const session = await hub.open({ protocol: 'openai', owner: 'user:42', format, turnDetection })
 *   socket.on('message', (bytes) => pauseFor(session.write(bytes)))
 *   for await (const event of session) send(toWire(event))   // ends after the 'closed' event
 *
 * Times are seconds from the start of the stream (the first byte written), whatever the input rate.
 */
import type { PartialWord, SttEngine, Word } from '../stt/types.js'
import { HttpError } from '../errors.js'
import { CLOSE_CODES, StreamError, type CloseReason } from './errors.js'
import { Session } from './session.js'
import type { StreamingMetrics } from './metrics.js'
import type { AudioFormat } from './audio-input.js'
import type { TurnDetection } from './endpointer.js'

export { audioFormat, bytesPerSecond, PCM_RATES, type AudioFormat } from './audio-input.js'
export { DEFAULT_TURN_DETECTION, type TurnDetection } from './endpointer.js'
export { CLOSE_CODES, StreamError, type CloseReason } from './errors.js'
export { createStreamingMetrics, type StreamingMetrics } from './metrics.js'

/** How an utterance came to an end. */
export type FinalCause = 'endpoint' | 'commit' | 'max_utterance' | 'close'

export type StreamEvent =
  /** server VAD heard speech begin; `at` includes the prefix padding */
  | { type: 'speech_started'; utterance: number; at: number }
  /** the engine's current guess for an utterance still being spoken (only engines that say `partials`) */
  | { type: 'partial'; utterance: number; text: string; start: number; end: number; words: PartialWord[] }
  /** server VAD heard the silence that ends an utterance; `at` includes that silence */
  | { type: 'speech_stopped'; utterance: number; at: number }
  /** an utterance's transcript; finals come in utterance order */
  | {
      type: 'final'
      utterance: number
      text: string
      start: number
      end: number
      words: Word[]
      /** mean word confidence, 0..1 (0 when nothing was recognised) */
      confidence: number
      cause: FinalCause
    }
  /** something failed; with `utterance`, only that utterance's transcript is lost and the stream goes on */
  | { type: 'error'; utterance?: number; code: string; message: string }
  /**
   * always the last event: why the stream ended and the WebSocket close code to end it with; `recordId`
   * is the call record made of a stream opened with `record` (its pipeline runs on the job queue)
   */
  | { type: 'closed'; reason: CloseReason; message: string; closeCode: number; audioSeconds: number; recordId?: string }

/** What a commit turned into a pending final. */
export interface CommittedUtterance {
  utterance: number
  start: number
  end: number
}

export interface StreamSettings {
  /** engine name; absent means the server's default. Unknown names are refused (StreamError) */
  engine?: string
  /** ISO 639-1 code passed to the engine */
  language?: string
  format: AudioFormat
  /** null: no server VAD, utterances end only when the client commits */
  turnDetection: TurnDetection | null
  /** false: no partial events, even from engines that can give them (default true) */
  partials?: boolean
  /**
   * true (default): an incremental engine gives the final itself, ready as soon as the utterance ends.
   * sphinx learns the stream's channel (its cepstral mean) from the speech of each utterance and starts
   * the next utterance's live decoder from it, so that live result is as accurate as a whole decode;
   * the first utterance, heard before any channel is known, is decoded again whole, on a free upload
   * thread as soon as its audio pauses (the guess stands if nothing loud follows), else on its own thread;
   * so is an utterance that sounds far from the channel (another voice), on its own thread.
   * false: every utterance is transcribed whole for its final, as an upload is (engine.transcribe).
   */
  liveFinals?: boolean
}

export interface OpenStreamOptions extends StreamSettings {
  /** metrics label: which protocol serves the stream */
  protocol: string
  /** whose streams count together for the per-user limit, e.g. 'user:<id>' or 'ip:<address>' */
  owner: string
  /** keep the stream's audio and hand it to the hub's recorder when the stream ends (also when the client vanishes) */
  record?: boolean
}

/** What a stream opened with `record` leaves: all its audio, 16 kHz mono, and the transcript streamed. */
export interface Recording {
  owner: string
  engine: string
  language?: string
  samples: Float32Array
  transcript: string
}

/** Turns a recording into a call record; resolves with its id. */
export type Recorder = (recording: Recording) => Promise<string>

export interface StreamSession extends AsyncIterable<StreamEvent> {
  readonly id: string
  /** the engine recognising the next utterance */
  readonly engine: string
  /** whether that engine gives partial text while someone speaks */
  readonly partials: boolean
  readonly settings: Readonly<StreamSettings>
  /** changes settings for what follows; throws StreamError for an unknown engine */
  update(changes: Partial<StreamSettings>): void
  /**
   * Audio bytes in the session's format. Returns how many milliseconds the caller should wait before
   * sending more (0: go on), which keeps a client from running ahead of real time. Throws StreamError
   * for bytes it cannot take (odd-length PCM16, a stream that has ended); the session stays open.
   */
  write(audio: Uint8Array): number
  /** ends the current utterance now; null when no audio is waiting */
  commit(): CommittedUtterance | null
  /** drops the audio of the current utterance without a transcript */
  clear(): void
  /** counts as activity for the idle timeout */
  keepAlive(): void
  /** finishes: the current utterance gets its final, then 'closed' (reason finished) ends the events */
  end(): Promise<void>
  /** stops at once (client gone): no more finals, 'closed' with `reason` ends the events */
  abort(reason?: CloseReason, message?: string): void
}

/** Each limit ends a stream with its own close reason. */
export interface StreamLimits {
  /** longest a stream may stay open, wall clock (max_duration) */
  maxSessionSeconds: number
  /** audio a client may send ahead of real time; past half of it writes ask the caller to wait, past all of it the stream ends (buffer_overflow) */
  maxBufferedSeconds: number
  /** no audio and no keep-alive for this long ends the stream (idle_timeout) */
  idleTimeoutSeconds: number
  /** utterances longer than this get a final and a new utterance begins */
  maxUtteranceSeconds: number
  /** open streams per owner and per process (too_many_sessions, refused at open) */
  maxSessionsPerUser: number
  maxSessions: number
}

export interface StreamingHub {
  /** opens a stream; throws StreamError with a closeCode when a limit refuses it, or for a bad engine or format */
  open(options: OpenStreamOptions): Promise<StreamSession>
  /** streams open now */
  readonly active: number
  /** ends every stream with reason server_shutdown, delivering finals of audio already received */
  close(): Promise<void>
}

export interface StreamingHubOptions {
  speech: { resolve(name?: string): SttEngine }
  limits: StreamLimits
  metrics?: StreamingMetrics
  /** needed for streams opened with `record` */
  recorder?: Recorder
  /** told about failures no client should see the details of (a recorder that failed) */
  onError?: (err: unknown, context: string) => void
}

export function createStreamingHub(opts: StreamingHubOptions): StreamingHub {
  const sessions = new Set<Session>()
  const perOwner = new Map<string, number>()
  let closing = false

  const resolveEngine = (name?: string): SttEngine => {
    try {
      return opts.speech.resolve(name)
    } catch (err) {
      if (err instanceof HttpError) throw new StreamError(err.code, err.message)
      throw err
    }
  }

  return {
    async open(o) {
      if (closing) throw new StreamError('server_shutdown', 'The server is shutting down: reconnect in a moment.', CLOSE_CODES.server_shutdown)
      if (o.record && !opts.recorder) throw new StreamError('record_unavailable', 'This server cannot record streams.')
      const engine = resolveEngine(o.engine)
      const ready = await engine.available()
      if (!ready.ok) throw new StreamError('engine_unavailable', `The ${engine.name} engine is not available: ${ready.reason}`)
      const { maxSessions, maxSessionsPerUser } = opts.limits
      if (sessions.size >= maxSessions) {
        throw new StreamError('too_many_sessions', `This server is at its limit of ${maxSessions} live streams: retry later.`, CLOSE_CODES.too_many_sessions)
      }
      const owned = perOwner.get(o.owner) ?? 0
      if (owned >= maxSessionsPerUser) {
        throw new StreamError(
          'too_many_sessions',
          `You already have ${owned} live streams open, the most allowed at once: close one and retry.`,
          CLOSE_CODES.too_many_sessions
        )
      }
      perOwner.set(o.owner, owned + 1)
      opts.metrics?.activeSessions.inc({ protocol: o.protocol })
      const forget = () => {
        const left = (perOwner.get(o.owner) ?? 1) - 1
        if (left > 0) perOwner.set(o.owner, left)
        else perOwner.delete(o.owner)
        opts.metrics?.activeSessions.dec({ protocol: o.protocol })
      }
      // The engine gets ready for the stream's first utterance while the client has not yet spoken.
      const unreserve = engine.reserveStream?.()
      let session: Session
      try {
        session = new Session(o, engine, {
          resolveEngine,
          limits: opts.limits,
          metrics: opts.metrics,
          recorder: opts.recorder,
          onError: opts.onError,
          onClose: (reason) => {
            unreserve?.()
            sessions.delete(session)
            forget()
            opts.metrics?.closed.inc({ protocol: o.protocol, reason })
          }
        })
      } catch (err) {
        // A stream that never started holds no slot and no decoder.
        unreserve?.()
        forget()
        throw err
      }
      sessions.add(session)
      return session
    },
    get active() {
      return sessions.size
    },
    async close() {
      closing = true
      await Promise.all([...sessions].map((s) => s.finish('server_shutdown', 'The server is shutting down: reconnect in a moment.')))
    }
  }
}
