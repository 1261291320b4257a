/**
 * Header reading before any decoding, so over-long or truncated files are rejected without spending CPU or
 * memory on them. Every size read from a header is treated as a claim to check against the bytes present.
 */
import type { DetectedAudio } from './detect.js'
import { id3Length, mpegFrameLength } from './detect.js'

export interface HeaderInfo {
  sampleRate?: number
  channels?: number
  codec?: string
  /** Seconds, when the header states it. */
  duration?: number
  /** True when duration is read from an exact count; false when it is an estimate (e.g. CBR MP3). */
  exact?: boolean
  /** Set when the header proves that part of the file is missing. */
  truncated?: string
}

/** Tolerance before a shortfall counts as truncation: some writers miscount a block or two. */
function missingTooMuch(declared: number, present: number, perSecond: number): boolean {
  const missing = declared - present
  return missing > declared * 0.01 && missing > perSecond * 0.1
}

const WAV_CODECS: Record<number, string> = { 1: 'pcm', 3: 'float', 6: 'alaw', 7: 'ulaw', 2: 'adpcm_ms', 0x11: 'adpcm_ima' }

export interface WavHeader extends HeaderInfo {
  dataOffset: number
  /** Bytes of sample data actually present (never more than the file holds). */
  dataBytes: number
}

/** `fileLength`: the whole file's size when `bytes` holds only its first part. */
export function probeWav(bytes: Uint8Array, fileLength = bytes.length): WavHeader | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let pos = 12
  let fmt: { tag: number; channels: number; rate: number; byteRate: number; bits: number } | undefined
  let rf64DataSize: number | undefined
  while (pos + 8 <= bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(pos, pos + 4))
    const size = view.getUint32(pos + 4, true)
    const body = pos + 8
    if (id === 'ds64' && body + 16 <= bytes.length) {
      rf64DataSize = Number(view.getBigUint64(body + 8, true))
    } else if (id === 'fmt ' && body + 16 <= bytes.length) {
      let tag = view.getUint16(body, true)
      if (tag === 0xfffe && size >= 40 && body + 26 <= bytes.length) tag = view.getUint16(body + 24, true)
      fmt = {
        tag,
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        byteRate: view.getUint32(body + 8, true),
        bits: view.getUint16(body + 14, true)
      }
    } else if (id === 'data') {
      if (!fmt) return 'the data chunk comes before the format chunk'
      if (!fmt.channels || !fmt.rate || !fmt.byteRate) return 'the format chunk is invalid'
      const present = fileLength - body
      // 0 and 0xFFFFFFFF are what streaming recorders write before they know the length: read to the end.
      let declared = size === 0xffffffff && rf64DataSize !== undefined ? rf64DataSize : size
      if (declared === 0 || declared === 0xffffffff) declared = present
      const dataBytes = Math.min(declared, present)
      const truncated = missingTooMuch(declared, present, fmt.byteRate)
        ? `the header declares ${declared} bytes of audio but only ${present} are present`
        : undefined
      return {
        dataOffset: body,
        dataBytes,
        sampleRate: fmt.rate,
        channels: fmt.channels,
        codec: WAV_CODECS[fmt.tag] ?? `0x${fmt.tag.toString(16)}`,
        duration: dataBytes / fmt.byteRate,
        exact: true,
        truncated
      }
    }
    // Chunks are padded to an even length.
    pos = body + size + (size & 1)
  }
  return fmt ? 'the data chunk is missing' : 'the format chunk is missing'
}

function probeFlac(bytes: Uint8Array): HeaderInfo | string {
  const start = id3Length(bytes) + 4 // after "fLaC"
  const si = start + 4 // after the metadata block header
  if (bytes.length < si + 18) return 'the stream info block is cut off'
  const b = (i: number) => bytes[si + i]
  // The first block must be STREAMINFO (type 0, 34 bytes) with sane block sizes and sample format;
  // anything else is not FLAC, and its "duration" would be noise.
  const blockType = bytes[start] & 0x7f
  const blockLength = (bytes[start + 1] << 16) | (bytes[start + 2] << 8) | bytes[start + 3]
  const minBlock = (b(0) << 8) | b(1)
  const maxBlock = (b(2) << 8) | b(3)
  const bitsPerSample = (((b(12) & 1) << 4) | (b(13) >> 4)) + 1
  if (blockType !== 0 || blockLength !== 34 || minBlock < 16 || maxBlock < minBlock || bitsPerSample < 4) {
    return 'the stream info block is invalid'
  }
  const sampleRate = (b(10) << 12) | (b(11) << 4) | (b(12) >> 4)
  const channels = ((b(12) >> 1) & 7) + 1
  const samples = (b(13) & 0x0f) * 2 ** 32 + ((b(14) << 24) >>> 0) + (b(15) << 16) + (b(16) << 8) + b(17)
  // A total of 0 means the encoder did not know it (streamed FLAC).
  if (!sampleRate) return { channels }
  return { sampleRate, channels, duration: samples ? samples / sampleRate : undefined, exact: samples > 0 }
}

function probeMp3(bytes: Uint8Array): HeaderInfo {
  let start = id3Length(bytes)
  // Skip padding or junk between the tag and the first frame.
  const scanEnd = Math.min(bytes.length - 4, start + 64 * 1024)
  while (start < scanEnd && mpegFrameLength(bytes, start) === 0) start++
  const frameLength = mpegFrameLength(bytes, start)
  if (!frameLength) return {}
  const b1 = bytes[start + 1]
  const b2 = bytes[start + 2]
  const version = (b1 >> 3) & 3
  const mono = bytes[start + 3] >> 6 === 3
  const sampleRate = [44100, 48000, 32000][(b2 >> 2) & 3] / (version === 3 ? 1 : version === 2 ? 2 : 4)
  const samplesPerFrame = version === 3 ? 1152 : 576
  const channels = mono ? 1 : 2
  const sideInfo = version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17
  const xing = start + 4 + sideInfo
  const tag = String.fromCharCode(...bytes.subarray(xing, xing + 4))
  if ((tag === 'Xing' || tag === 'Info') && xing + 16 <= bytes.length) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const flags = view.getUint32(xing + 4)
    let p = xing + 8
    const frames = flags & 1 ? view.getUint32(p) : 0
    if (flags & 1) p += 4
    const streamBytes = flags & 2 ? view.getUint32(p) : 0
    const present = bytes.length - start
    const bytesPerSecond = (frameLength * sampleRate) / samplesPerFrame
    return {
      sampleRate,
      channels,
      duration: frames ? (frames * samplesPerFrame) / sampleRate : undefined,
      exact: frames > 0,
      truncated:
        streamBytes && missingTooMuch(streamBytes, present, bytesPerSecond) ? `the stream should be ${streamBytes} bytes but ${present} are present` : undefined
    }
  }
  // No VBR header: assume constant bitrate. Only good as an estimate.
  const bytesPerSecond = (frameLength * sampleRate) / samplesPerFrame
  return { sampleRate, channels, duration: (bytes.length - start) / bytesPerSecond, exact: false }
}

function probeOgg(bytes: Uint8Array, codec: string | undefined): HeaderInfo {
  const body = 27 + (bytes[26] ?? 0)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (body + 19 > bytes.length) return {}
  let sampleRate: number | undefined
  let channels: number | undefined
  let preSkip = 0
  if (codec === 'opus') {
    channels = bytes[body + 9]
    preSkip = view.getUint16(body + 10, true)
    // Opus always decodes at 48 kHz; the header's "input rate" is only informational.
    sampleRate = 48000
  } else if (codec === 'vorbis') {
    channels = bytes[body + 11]
    sampleRate = view.getUint32(body + 12, true)
  }
  // The last page's granule position is the stream's end time in samples (48 kHz for Opus).
  const from = Math.max(0, bytes.length - 65_536)
  for (let p = bytes.length - 27; p >= from; p--) {
    if (bytes[p] !== 0x4f || bytes[p + 1] !== 0x67 || bytes[p + 2] !== 0x67 || bytes[p + 3] !== 0x53) continue
    const granule = Number(view.getBigInt64(p + 6, true))
    const segments = bytes[p + 26]
    let size = 27 + segments
    for (let i = 0; i < segments && p + 27 + i < bytes.length; i++) size += bytes[p + 27 + i]
    const complete = p + size <= bytes.length
    const endOfStream = (bytes[p + 5] & 4) !== 0
    const clock = codec === 'opus' ? 48000 : sampleRate
    const truncated = complete && endOfStream ? undefined : 'the stream ends in the middle'
    if (!clock || granule <= 0) return { sampleRate, channels, truncated }
    return { sampleRate, channels, duration: Math.max(0, granule - preSkip) / clock, exact: !truncated, truncated }
  }
  return { sampleRate, channels }
}

/** Walk MP4 boxes: find the movie header's duration and notice boxes cut off by the end of the file. */
function probeMp4(bytes: Uint8Array): HeaderInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let pos = 0
  let duration: number | undefined
  let hasMoov = false
  while (pos + 8 <= bytes.length) {
    let size = view.getUint32(pos)
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8))
    if (size === 1 && pos + 16 <= bytes.length) size = Number(view.getBigUint64(pos + 8))
    if (size === 0) size = bytes.length - pos
    if (size < 8) return { truncated: `box "${type}" has an invalid size` }
    if (pos + size > bytes.length) return { duration, truncated: `the "${type}" box is cut off` }
    if (type === 'moov') {
      hasMoov = true
      const mvhd = findChild(bytes, pos + 8, pos + size, 'mvhd')
      if (mvhd >= 0) {
        const v1 = bytes[mvhd] === 1
        const scale = view.getUint32(mvhd + (v1 ? 20 : 12))
        const units = v1 ? Number(view.getBigUint64(mvhd + 24)) : view.getUint32(mvhd + 16)
        if (scale) duration = units / scale
      }
    }
    pos += size
  }
  if (!hasMoov) return { truncated: 'the index (moov box) is missing' }
  return { duration, exact: duration !== undefined }
}

/** Offset of the payload of the first child box of the given type within [start, end), or -1. */
function findChild(bytes: Uint8Array, start: number, end: number, type: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let p = start; p + 8 <= end;) {
    const size = view.getUint32(p)
    if (String.fromCharCode(...bytes.subarray(p + 4, p + 8)) === type) return p + 8
    if (size < 8) return -1
    p += size
  }
  return -1
}

/** `fileLength`: the whole file's size when `bytes` holds only its first part (WAV and FLAC need no more). */
export function probeHeader(bytes: Uint8Array, detected: DetectedAudio, fileLength = bytes.length): HeaderInfo | string {
  switch (detected.container) {
    case 'wav':
      return probeWav(bytes, fileLength)
    case 'flac':
      return probeFlac(bytes)
    case 'mp3':
      return probeMp3(bytes)
    case 'ogg':
      return probeOgg(bytes, detected.codec)
    case 'mp4':
      return probeMp4(bytes)
    default:
      return {}
  }
}
