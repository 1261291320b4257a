/**
 * Any supported recording in, 16 kHz mono float32 out.
 *
 * Order of work: sniff the container, read its header and reject empty, foreign, truncated or over-long
 * files before decoding anything; then decode in blocks straight into the 16 kHz output, so a long
 * recording exists only twice in memory: the uploaded bytes and the 16 kHz result, or only once when
 * it is decoded from a file (decodeAudioFile).
 *
 * Truncation policy: when a header proves that data is missing (WAV data size, MP3 VBR byte count, FLAC
 * sample count, Ogg without its final page, MP4 with a cut-off box) the file is rejected as corrupt_audio
 * rather than silently transcribing a fragment: the user most likely has an interrupted upload or export
 * and can fix it. Headers that only say "length unknown" (streaming WAV placeholders, FLAC without a total,
 * WebM from MediaRecorder) are decoded to their end.
 */
import decode from 'audio-decode'
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { describeNonAudio, detectAudio, type DetectedAudio } from './detect.js'
import { AudioError, audioErrors } from './errors.js'
import { FFMPEG_INSTALL_HINT, decodeWithFfmpeg } from './ffmpeg.js'
import { Mono16kWriter, TARGET_RATE } from './mono16k.js'
import { probeHeader, type HeaderInfo, type WavHeader } from './probe.js'

export interface DecodeLimits {
  /** Longest accepted audio, in seconds (MAX_AUDIO_SECONDS). */
  maxSeconds: number
  /** Shortest accepted audio; defaults to 0.1 s. */
  minSeconds?: number
  /** Largest accepted upload in bytes; unlimited when absent (the HTTP layer usually enforces it first). */
  maxBytes?: number
  /** ffmpeg executable; defaults to FFMPEG_PATH or "ffmpeg" on PATH. */
  ffmpegPath?: string
  /** Wall-clock limit for an ffmpeg decode. */
  timeoutMs?: number
}

export interface DecodedAudio {
  /** 16 kHz mono. */
  samples: Float32Array
  sampleRate: 16000
  info: {
    format: string
    codec?: string
    /** Original sample rate. */
    sampleRate: number
    channels: number
    /** Seconds. */
    duration: number
    sizeBytes: number
  }
}

type InProcessFormat = 'wav' | 'flac' | 'mp3' | 'oga' | 'opus' | 'webm' | 'm4a'

function inProcessFormat(detected: DetectedAudio): InProcessFormat | undefined {
  switch (detected.container) {
    case 'wav':
    case 'flac':
    case 'mp3':
      return detected.container
    case 'ogg':
      return detected.codec === 'opus' ? 'opus' : detected.codec === 'vorbis' ? 'oga' : undefined
    case 'webm':
      return 'webm'
    case 'mp4':
      return 'm4a'
  }
}

// Blocks of this size keep the per-block float copy small (~1.5 s of 44.1 kHz stereo 16-bit WAV).
const BLOCK_BYTES = 256 * 1024
// Long decodes hand the event loop back this often so a server keeps answering other requests.
const YIELD_EVERY_MS = 25

/**
 * A recording as the decoders read it: in memory, or in a file read block by block so that a long
 * upload is never held whole beside its decoded samples.
 */
interface AudioBytes {
  /** bytes in all */
  length: number
  /** the first bytes, enough to sniff and probe (all of them when the recording is in memory) */
  head: Uint8Array
  /** a fresh, aligned copy of [start, end): Buffer#slice would return a view into Node's shared pool instead */
  read(start: number, end: number): Promise<Uint8Array>
  /** every byte at once, for ffmpeg */
  all(): Promise<Uint8Array>
}

function inMemory(bytes: Uint8Array): AudioBytes {
  return {
    length: bytes.length,
    head: bytes,
    read: async (start, end) => new Uint8Array(bytes.subarray(start, end)),
    all: async () => bytes
  }
}

async function readRange(file: FileHandle, start: number, end: number): Promise<Uint8Array> {
  const block = new Uint8Array(Math.max(0, end - start))
  for (let got = 0; got < block.length;) {
    const { bytesRead } = await file.read(block, got, block.length - got, start + got)
    if (bytesRead === 0) return block.subarray(0, got)
    got += bytesRead
  }
  return block
}

// WAV and FLAC state everything the probe reads in their first bytes; other containers are read whole.
const HEAD_BYTES = 1024 * 1024

/**
 * Feeds the file to a streaming decoder block by block, `length` bytes in all. Each block is a fresh buffer
 * because the WAV decoder views samples as typed arrays, which must start at an aligned offset; a WAV file's
 * header is fed on its own for the same reason (its data often starts at an odd multiple of 2).
 */
async function decodeInProcess(bytes: AudioBytes, length: number, format: InProcessFormat, out: Mono16kWriter, headerBytes = 0): Promise<void> {
  const decoder = await decode[format]()
  try {
    let lastYield = performance.now()
    if (headerBytes > 0) await decoder(await bytes.read(0, headerBytes))
    for (let offset = headerBytes; offset < length; offset += BLOCK_BYTES) {
      const block = await decoder(await bytes.read(offset, Math.min(length, offset + BLOCK_BYTES)))
      out.write(block.channelData, block.sampleRate)
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop()
        lastYield = performance.now()
      }
    }
    const tail = await decoder()
    out.write(tail.channelData, tail.sampleRate)
  } finally {
    decoder.free()
  }
}

function checkHeader(header: HeaderInfo, format: string, limits: DecodeLimits): void {
  if (header.truncated) throw audioErrors.corrupt(format, header.truncated)
  const { duration } = header
  if (duration === undefined) return
  // Exact durations are trusted; estimates (CBR MP3 without a VBR header) only when far over the limit.
  if (duration > limits.maxSeconds + 0.05 && (header.exact || duration > limits.maxSeconds * 2)) {
    throw audioErrors.tooLong(duration, limits.maxSeconds)
  }
}

type StreamInfo = { codec?: string; sampleRate?: number; channels?: number }

/** Chooses the decoder (in-process or ffmpeg, with the other as fallback) and fills out. */
async function decodeInto(out: Mono16kWriter, bytes: AudioBytes, detected: DetectedAudio, header: HeaderInfo, limits: DecodeLimits): Promise<StreamInfo> {
  const format = detected.container
  const local = inProcessFormat(detected)
  // WAV: stop at the end of the data chunk (trailing metadata chunks are not audio).
  const wav = 'dataOffset' in header ? (header as WavHeader) : undefined
  const payload = wav ? wav.dataOffset + wav.dataBytes : bytes.length
  const viaFfmpeg = async () => decodeWithFfmpeg(await bytes.all(), out, { ...limits, format, needsSeekableInput: format === 'mp4' })
  const asAudioError = (err: unknown, ffmpegMissing: boolean): AudioError => {
    if (err instanceof AudioError) return err
    if (ffmpegMissing && /unsupported/i.test(describeFailure(err))) {
      return audioErrors.unsupported(`${format.toUpperCase()} audio${header.codec ? ` with codec ${header.codec}` : ''}`, FFMPEG_INSTALL_HINT)
    }
    return audioErrors.corrupt(format, describeFailure(err), err)
  }
  const isFfmpegMissing = (err: unknown) => err instanceof AudioError && err.code === 'unsupported_codec'

  // ffmpeg first for WebM and MP4: their in-process decoders are newer and cover fewer codec variants.
  if (format === 'webm' || format === 'mp4' || !local) {
    try {
      return await viaFfmpeg()
    } catch (err) {
      // Without ffmpeg, the in-process decoder is still worth a try before giving up.
      if (!isFfmpegMissing(err) || !local) throw err
      out.reset()
      await decodeInProcess(bytes, payload, local, out).catch((cause) => {
        throw asAudioError(cause, false)
      })
      return {}
    }
  }
  try {
    await decodeInProcess(bytes, payload, local, out, wav?.dataOffset)
    if (out.samplesWritten === 0 && (header.duration ?? 1) > 0) throw new Error('no audio frames could be decoded')
    return {}
  } catch (err) {
    if (err instanceof AudioError) throw err
    // Variants the in-process decoders reject (RF64, exotic WAV codecs, damaged frames) get a second chance.
    out.reset()
    return await viaFfmpeg().catch((ffmpegErr) => {
      throw isFfmpegMissing(ffmpegErr) ? asAudioError(err, true) : ffmpegErr
    })
  }
}

export async function decodeAudio(input: Buffer | Uint8Array, limits: DecodeLimits): Promise<DecodedAudio> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input)
  if (bytes.length === 0) throw audioErrors.empty()
  if (limits.maxBytes !== undefined && bytes.length > limits.maxBytes) throw audioErrors.tooLarge(bytes.length, limits.maxBytes)
  const detected = detectAudio(bytes)
  if (!detected) throw audioErrors.notAudio(describeNonAudio(bytes))
  return decodeDetected(inMemory(bytes), detected, limits)
}

/**
 * The recording in the file at `path`, decoded as decodeAudio does. A WAV or FLAC file is read block by
 * block as it decodes, so memory holds its 16 kHz samples and never the file itself (58 MB for a
 * 30-minute 16 kHz WAV); other containers are read whole first.
 */
export async function decodeAudioFile(path: string, limits: DecodeLimits): Promise<DecodedAudio> {
  const file = await open(path)
  try {
    const { size } = await file.stat()
    if (size <= HEAD_BYTES) return await decodeAudio(await readRange(file, 0, size), limits)
    const head = await readRange(file, 0, HEAD_BYTES)
    const detected = detectAudio(head)
    // A header this function cannot read from the first bytes gets decodeAudio's answer on the whole file.
    if ((detected?.container !== 'wav' && detected?.container !== 'flac') || typeof probeHeader(head, detected, size) === 'string') {
      return await decodeAudio(await readFile(path), limits)
    }
    if (limits.maxBytes !== undefined && size > limits.maxBytes) throw audioErrors.tooLarge(size, limits.maxBytes)
    const bytes: AudioBytes = { length: size, head, read: (start, end) => readRange(file, start, end), all: () => readFile(path) }
    return await decodeDetected(bytes, detected, limits)
  } finally {
    await file.close()
  }
}

async function decodeDetected(bytes: AudioBytes, detected: DetectedAudio, limits: DecodeLimits): Promise<DecodedAudio> {
  const minSeconds = limits.minSeconds ?? 0.1
  const format = detected.container
  const header = probeHeader(bytes.head, detected, bytes.length)
  if (typeof header === 'string') throw audioErrors.corrupt(format, header)
  checkHeader(header, format, limits)

  const expectedSamples = header.duration ? Math.min(header.duration, limits.maxSeconds) * TARGET_RATE : 0
  const out = new Mono16kWriter(limits.maxSeconds, expectedSamples)
  const streamInfo = await decodeInto(out, bytes, detected, header, limits)

  const samples = out.finish()
  const duration = samples.length / TARGET_RATE
  if (header.exact && header.duration !== undefined && duration < header.duration * 0.99 - 0.1) {
    throw audioErrors.corrupt(format, `the header promises ${header.duration.toFixed(2)} s but only ${duration.toFixed(2)} s decode`)
  }
  if (duration > limits.maxSeconds + 0.05) throw audioErrors.tooLong(duration, limits.maxSeconds)
  if (duration < minSeconds) throw audioErrors.tooShort(duration, minSeconds)

  const source = out.source
  // Headers state the original format; what the decoder delivered is the fallback.
  return {
    samples,
    sampleRate: TARGET_RATE,
    info: {
      format,
      codec: streamInfo.codec ?? header.codec ?? detected.codec,
      sampleRate: streamInfo.sampleRate ?? header.sampleRate ?? source?.sampleRate ?? TARGET_RATE,
      channels: streamInfo.channels ?? header.channels ?? source?.channels ?? 1,
      duration,
      sizeBytes: bytes.length
    }
  }
}

function describeFailure(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 200)
}
