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
import { open, readFile } from 'node:fs/promises'
import { decodeInThread } from './decode-thread.js'
import { describeNonAudio, detectAudio, type DetectedAudio } from './detect.js'
import { AudioError, audioErrors } from './errors.js'
import { FFMPEG_INSTALL_HINT, decodeWithFfmpeg } from './ffmpeg.js'
import { decodeInProcess, inFile, inMemory, readRange, type AudioBytes, type InProcessFormat } from './in-process.js'
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

// WAV and FLAC state everything the probe reads in their first bytes; other containers are read whole.
const HEAD_BYTES = 1024 * 1024
// Compressed recordings above this size are decoded in a thread of their own (decode-thread.ts); below
// it (about a minute of MP3) a thread's start-up would cost more than the decode.
const THREAD_MIN_BYTES = 1024 * 1024
// FLAC recordings above this size (a minute or two of CD-quality stereo) are decoded by ffmpeg.
const FFMPEG_FLAC_MIN_BYTES = 8 * 1024 * 1024

/**
 * One in-process decode: a long compressed recording in a decoder thread, a WAV (plain copies, no WASM
 * memory) or a short recording here.
 */
async function decodeLocally(bytes: AudioBytes, length: number, format: InProcessFormat, out: Mono16kWriter, limits: DecodeLimits, headerBytes?: number) {
  if (format === 'wav' || length < THREAD_MIN_BYTES) return decodeInProcess(bytes, length, format, out, headerBytes)
  const job = { source: bytes.source, length, format, headerBytes, maxSeconds: limits.maxSeconds, expectedSamples: out.capacityHint }
  return decodeInThread(job, out)
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
  const source = bytes.source
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
      await decodeLocally(bytes, payload, local, out, limits).catch((cause) => {
        throw asAudioError(cause, false)
      })
      return {}
    }
  }
  // A long FLAC: ffmpeg decodes it in its own process (reading the file itself when it is on disk), so
  // neither the WASM decoder's memory nor the garbage of its blocks lands in the server's: about 90 MB of
  // a 30-minute recording's peak, which the C allocator keeps even after a decode thread ends. Should
  // ffmpeg fail or be missing, the in-process decoder has its say, so errors read the same either way; a
  // file cut short passes ffmpeg but not the duration check after it.
  if (format === 'flac' && payload >= FFMPEG_FLAC_MIN_BYTES) {
    try {
      return await decodeWithFfmpeg('path' in source ? { path: source.path } : source.bytes, out, { ...limits, format })
    } catch (err) {
      if (err instanceof AudioError && err.code === 'audio_too_long') throw err
      out.reset()
    }
  }
  try {
    await decodeLocally(bytes, payload, local, out, limits, wav?.dataOffset)
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
    return await decodeDetected(inFile(path, file, size, head), detected, limits)
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
