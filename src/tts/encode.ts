import type { RawSpeech, SpeechFormat } from './types.js'
import { runProgram } from './process.js'
import { pcm16Wav } from '../stt/wav.js'

/** OpenAI's speech endpoint answers at 24 kHz mono; so do we, whatever rate the engine spoke at. */
export const OUTPUT_RATE = 24_000

export const CONTENT_TYPES: Record<SpeechFormat, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm'
}

const CODEC_ARGS: Record<SpeechFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3'],
  opus: ['-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-f', 'ogg'],
  aac: ['-c:a', 'aac', '-b:a', '64k', '-f', 'adts'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
  // ffmpeg cannot fill in WAV sizes on a pipe: raw samples come back and the header is written here.
  wav: ['-f', 's16le'],
  pcm: ['-f', 's16le']
}

export interface EncodedSpeech {
  audio: Buffer
  contentType: string
  /** seconds of speech after any speed change */
  duration: number
}

/** atempo takes 0.5 - 2 per stage; wider changes are chains of stages. */
export function tempoFilter(speed: number): string | undefined {
  if (Math.abs(speed - 1) < 1e-3) return undefined
  const stages: string[] = []
  let rest = speed
  while (rest > 2) {
    stages.push('atempo=2')
    rest /= 2
  }
  while (rest < 0.5) {
    stages.push('atempo=0.5')
    rest /= 0.5
  }
  stages.push(`atempo=${rest.toFixed(4)}`)
  return stages.join(',')
}

/** Encodes an engine's PCM with ffmpeg (a child process), stretching it when the engine could not. */
export async function encodeSpeech(raw: RawSpeech, format: SpeechFormat, speed: number, signal: AbortSignal): Promise<EncodedSpeech> {
  const tempo = raw.speedApplied ? undefined : tempoFilter(speed)
  const args = ['-hide_banner', '-nostats', '-loglevel', 'error', '-f', 's16le', '-ar', String(raw.sampleRate), '-ac', '1', '-i', 'pipe:0']
  if (tempo) args.push('-filter:a', tempo)
  args.push('-ar', String(OUTPUT_RATE), '-ac', '1', ...CODEC_ARGS[format], 'pipe:1')
  const encoded = await runProgram(process.env.FFMPEG_PATH ?? 'ffmpeg', args, {
    stdin: raw.pcm,
    signal,
    installHint: 'apt-get install -y ffmpeg, or set FFMPEG_PATH'
  })
  const seconds = raw.pcm.length / 2 / raw.sampleRate
  const duration = Math.round((tempo ? seconds / speed : seconds) * 1000) / 1000
  return { audio: format === 'wav' ? pcm16Wav(encoded, OUTPUT_RATE) : encoded, contentType: CONTENT_TYPES[format], duration }
}
