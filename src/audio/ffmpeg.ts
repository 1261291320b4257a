/**
 * Decoding through the ffmpeg CLI for containers and codecs the in-process decoders do not cover.
 * ffmpeg does the downmix and resampling itself and streams 16 kHz mono float32 to stdout.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AudioError, audioErrors } from './errors.js'
import { TARGET_RATE, type Mono16kWriter } from './mono16k.js'

export interface FfmpegOptions {
  ffmpegPath?: string
  maxSeconds: number
  timeoutMs?: number
  /** MP4 keeps its index at the end of the file more often than not, which ffmpeg cannot seek to on a pipe. */
  needsSeekableInput?: boolean
  format: string
}

export interface FfmpegStreamInfo {
  codec?: string
  sampleRate?: number
  channels?: number
}

export const FFMPEG_INSTALL_HINT = 'Install ffmpeg on the server (apt-get install -y ffmpeg) or set FFMPEG_PATH.'
const STDERR_LIMIT = 64 * 1024

/** ffmpeg's input summary: "Stream #0:0(eng): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp". */
export function parseStreamInfo(stderr: string): FfmpegStreamInfo {
  const match = /Stream #\d+:\d+[^:]*: Audio: ([^,\s]+)[^,]*, (\d+) Hz, ([^,]+)/.exec(stderr)
  if (!match) return {}
  const layout = match[3].trim()
  const named: Record<string, number> = { mono: 1, stereo: 2, '2.1': 3, quad: 4, '5.0': 5, '5.1': 6, '7.1': 8 }
  const channels = named[layout] ?? (Number.parseInt(layout, 10) || undefined)
  return { codec: match[1], sampleRate: Number(match[2]), channels }
}

function lastErrorLine(stderr: string): string {
  if (/Output file is empty/.test(stderr)) return 'no audio could be decoded'
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(Input #|Output #|Stream|Metadata|Duration|Stream mapping|Press|Conversion failed|size=|video:|\w+\s*:)/.test(l))
  return (lines.at(-1) ?? 'ffmpeg could not decode it').replace(/^\[[^\]]+\]\s*/, '').slice(0, 200)
}

/**
 * Decodes the recording (its bytes, or the file at `source.path`, which ffmpeg then reads itself so the
 * recording is never in this process) into out.
 */
export async function decodeWithFfmpeg(source: Uint8Array | { path: string }, out: Mono16kWriter, options: FfmpegOptions): Promise<FfmpegStreamInfo> {
  const ffmpeg = options.ffmpegPath ?? process.env.FFMPEG_PATH ?? 'ffmpeg'
  // ffmpeg decodes speech formats at several hundred times real time; this bounds a pathological file.
  const timeoutMs = options.timeoutMs ?? 30_000 + options.maxSeconds * 100
  let tempDir: string | undefined
  let input = source instanceof Uint8Array ? 'pipe:0' : source.path
  const bytes = source instanceof Uint8Array ? source : undefined
  if (bytes && options.needsSeekableInput) {
    tempDir = await mkdtemp(join(tmpdir(), 'voxlens-audio-'))
    input = join(tempDir, 'input')
    await writeFile(input, bytes)
  }
  // Log level "info" so the input summary (codec, rate, channels) can be read; errors still end the log.
  const args = ['-hide_banner', '-nostats', '-loglevel', 'info', ...(input === 'pipe:0' ? [] : ['-nostdin'])]
  args.push('-i', input, '-map', '0:a:0', '-vn', '-f', 'f32le', '-ac', '1', '-ar', String(TARGET_RATE))
  // ffmpeg's default downmix adds channels at -3 dB each (louder than any one of them); averaging instead
  // matches the in-process path, so a file sounds the same whichever decoder handled it.
  args.push('-rematrix_maxval', '1.0')
  // Ask ffmpeg to stop just past the limit; the writer's own cap is the real guarantee.
  args.push('-t', String(options.maxSeconds + 1), 'pipe:1')

  try {
    return await new Promise<FfmpegStreamInfo>((resolve, reject) => {
      const child = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] })
      let stderr = ''
      let failure: Error | undefined
      let carry = new Uint8Array(0)
      const fail = (err: Error) => {
        failure ??= err
        child.kill('SIGKILL')
      }
      const timer = setTimeout(() => fail(audioErrors.corrupt(options.format, `decoding took longer than ${timeoutMs / 1000} s`)), timeoutMs)

      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        reject(err.code === 'ENOENT' ? audioErrors.unsupported(`${options.format.toUpperCase()} audio`, FFMPEG_INSTALL_HINT) : err)
      })
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8')
      })
      child.stdout.on('data', (chunk: Buffer) => {
        if (failure) return
        // Chunks need not end on a 4-byte sample boundary.
        let bytesIn: Uint8Array = chunk
        if (carry.length) bytesIn = Buffer.concat([carry, chunk])
        const whole = bytesIn.length - (bytesIn.length % 4)
        carry = bytesIn.slice(whole)
        // A chunk that starts on a float boundary is read where it lies; a copy only for one that does not
        // (a 30-minute recording would otherwise leave 115 MB of copies for the collector).
        const floats =
          bytesIn.byteOffset % 4 === 0
            ? new Float32Array(bytesIn.buffer, bytesIn.byteOffset, whole / 4)
            : new Float32Array(new Uint8Array(bytesIn.subarray(0, whole)).buffer)
        try {
          out.append(floats)
        } catch (err) {
          fail(err as Error)
        }
      })
      child.stdin.on('error', () => {
        // EPIPE when ffmpeg stops reading early (limit reached or bad input); the exit status tells why.
      })
      child.on('close', (code) => {
        clearTimeout(timer)
        if (failure) return reject(failure)
        if (code !== 0) {
          if (/matches no streams|does not contain any stream/.test(stderr)) {
            return reject(new AudioError('not_audio', 'The file contains no audio track. Upload a file with sound.'))
          }
          return reject(audioErrors.corrupt(options.format, lastErrorLine(stderr)))
        }
        resolve(parseStreamInfo(stderr))
      })
      if (bytes && input === 'pipe:0') child.stdin.end(bytes)
      else child.stdin.end()
    })
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true })
  }
}
