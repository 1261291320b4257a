/**
 * Why a stream ended. Each reason has one WebSocket close code, so every protocol built on the core
 * closes the same way for the same cause (1000-1015 are the standard codes, 4000-4999 are ours).
 */
export const CLOSE_CODES = {
  /** the client ended the stream and every final was delivered */
  finished: 1000,
  /** the server is shutting down */
  server_shutdown: 1001,
  /** the speech engine failed in a way the session cannot recover from */
  engine_error: 1011,
  /** too many streams open for this user or this server; retry later */
  too_many_sessions: 1013,
  /** no audio and no keep-alive for the idle timeout */
  idle_timeout: 4000,
  /** the stream ran for the longest session allowed */
  max_duration: 4001,
  /** the client sent audio too far ahead of real time and did not slow down */
  buffer_overflow: 4002
} as const

export type CloseReason = keyof typeof CLOSE_CODES

/**
 * Something a client did that the core refuses (bad format, odd-length PCM, audio after the end)
 * or a limit that stops a stream. `closeCode` is set when the error ends the stream.
 */
export class StreamError extends Error {
  override name = 'StreamError'
  constructor(
    readonly code: string,
    message: string,
    readonly closeCode?: number
  ) {
    super(message)
  }
}
