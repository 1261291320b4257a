import { HttpError } from '../errors.js'

export type AudioErrorCode = 'empty_file' | 'not_audio' | 'corrupt_audio' | 'unsupported_codec' | 'file_too_large' | 'audio_too_long' | 'audio_too_short'

/** A problem with the user's file; the message tells them what to do about it. */
export class AudioError extends HttpError {
  declare readonly code: AudioErrorCode
  declare readonly statusCode: 400 | 413

  constructor(code: AudioErrorCode, message: string, options?: { cause?: unknown }) {
    super(code === 'file_too_large' ? 413 : 400, code, message)
    this.name = 'AudioError'
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

/** "2 h 10 min", "4 min 5 s", "12.3 s", "0.05 s": precise where it matters, short where it does not. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${Number(seconds.toFixed(2))} s`
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`
  const total = Math.round(seconds)
  const h = Math.floor(total / 3600)
  const min = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return min > 0 ? `${h} h ${min} min` : `${h} h`
  return s > 0 ? `${min} min ${s} s` : `${min} min`
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}

export const audioErrors = {
  empty: () => new AudioError('empty_file', 'The file is 0 bytes: upload a recording.'),

  notAudio: (what: string | null) =>
    new AudioError(
      'not_audio',
      what
        ? `This is ${what}, not audio. Upload a WAV, MP3, FLAC, OGG, Opus, WebM or M4A recording.`
        : 'This file is not a recognised audio format. Upload a WAV, MP3, FLAC, OGG, Opus, WebM or M4A recording.'
    ),

  corrupt: (format: string, detail: string, cause?: unknown) =>
    new AudioError('corrupt_audio', `The ${format.toUpperCase()} file is damaged or incomplete (${detail}). Re-export the recording or upload it again.`, {
      cause
    }),

  unsupported: (what: string, hint = '') => new AudioError('unsupported_codec', `${what} cannot be decoded on this server.${hint ? ` ${hint}` : ''}`),

  tooLarge: (size: number, limit: number) =>
    new AudioError('file_too_large', `The file is ${formatBytes(size)}; the limit is ${formatBytes(limit)}. Compress it (e.g. to MP3 or Opus) or split it.`),

  tooLong: (seconds: number, maxSeconds: number, atLeast = false) =>
    new AudioError(
      'audio_too_long',
      `Audio is ${atLeast ? 'longer than ' : ''}${formatDuration(seconds)}${atLeast ? '' : ' long'}; ` +
        `the limit is ${formatDuration(maxSeconds)} (MAX_AUDIO_SECONDS). Split the recording or trim it.`
    ),

  tooShort: (seconds: number, minSeconds: number) =>
    new AudioError(
      'audio_too_short',
      `Audio is only ${formatDuration(seconds)} long; at least ${formatDuration(minSeconds)} is needed. Upload a longer recording.`
    )
}
