/**
 * Container sniffing from the first bytes. File names and declared content types are ignored on purpose:
 * browsers and phones routinely mislabel recordings (an .m4a sent as video/mp4, a WebM saved as .wav).
 */

export type AudioContainer = 'wav' | 'flac' | 'mp3' | 'ogg' | 'webm' | 'mp4'
export type AudioCodec = 'pcm' | 'flac' | 'mp3' | 'vorbis' | 'opus' | 'speex'

export interface DetectedAudio {
  container: AudioContainer
  codec?: AudioCodec
  mime: string
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (bytes.length < offset + length) return ''
  return String.fromCharCode(...bytes.subarray(offset, offset + length))
}

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false
  return signature.every((b, i) => bytes[offset + i] === b)
}

/** MPEG audio frame header: 11 sync bits, a valid version, layer, bitrate and sample rate. */
export function isMpegFrameHeader(bytes: Uint8Array, offset: number): boolean {
  if (offset + 4 > bytes.length) return false
  const b1 = bytes[offset + 1]
  const b2 = bytes[offset + 2]
  return (
    bytes[offset] === 0xff &&
    (b1 & 0xe0) === 0xe0 &&
    ((b1 >> 3) & 3) !== 1 && // reserved version
    ((b1 >> 1) & 3) !== 0 && // reserved layer
    b2 >> 4 !== 0x0f && // bad bitrate
    ((b2 >> 2) & 3) !== 3 // reserved sample rate
  )
}

/** Ogg's first page carries the codec's identification header right after the segment table. */
function oggCodec(bytes: Uint8Array): AudioCodec | undefined {
  const segments = bytes[26] ?? 0
  const body = 27 + segments
  if (ascii(bytes, body, 8) === 'OpusHead') return 'opus'
  if (ascii(bytes, body + 1, 6) === 'vorbis') return 'vorbis'
  if (ascii(bytes, body + 1, 4) === 'FLAC') return 'flac'
  if (ascii(bytes, body, 5) === 'Speex') return 'speex'
  return undefined
}

/** Everything before this is ID3v2 tags, which may precede MP3 and (rarely) FLAC data. */
export function id3Length(bytes: Uint8Array): number {
  if (ascii(bytes, 0, 3) !== 'ID3' || bytes.length < 10) return 0
  const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f)
  const footer = bytes[5] & 0x10 ? 10 : 0
  return 10 + size + footer
}

export function detectAudio(bytes: Uint8Array): DetectedAudio | null {
  const riff = ascii(bytes, 0, 4)
  if ((riff === 'RIFF' || riff === 'RF64' || riff === 'BW64') && ascii(bytes, 8, 4) === 'WAVE') {
    return { container: 'wav', mime: 'audio/wav' }
  }
  if (ascii(bytes, 0, 4) === 'OggS') {
    const codec = oggCodec(bytes)
    return { container: 'ogg', codec, mime: codec === 'opus' ? 'audio/ogg; codecs=opus' : 'audio/ogg' }
  }
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) {
    // The DocType string sits inside the EBML header; "webm" or "matroska".
    const header = ascii(bytes, 0, Math.min(bytes.length, 64))
    return { container: 'webm', mime: header.includes('matroska') ? 'audio/x-matroska' : 'audio/webm' }
  }
  if (ascii(bytes, 4, 4) === 'ftyp') return { container: 'mp4', mime: 'audio/mp4' }

  const tags = id3Length(bytes)
  if (ascii(bytes, tags, 4) === 'fLaC') return { container: 'flac', codec: 'flac', mime: 'audio/flac' }
  // An ID3 tag alone says MP3; a bare stream needs two consecutive valid frame headers to rule out chance.
  if (tags > 0 && (tags >= bytes.length || isMpegFrameHeader(bytes, tags))) {
    return { container: 'mp3', codec: 'mp3', mime: 'audio/mpeg' }
  }
  if (tags === 0 && isMpegFrameHeader(bytes, 0)) {
    const next = mpegFrameLength(bytes, 0)
    if (next > 0 && (next >= bytes.length || isMpegFrameHeader(bytes, next))) {
      return { container: 'mp3', codec: 'mp3', mime: 'audio/mpeg' }
    }
  }
  return null
}

const MPEG1_L3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
const MPEG2_L3_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
const MPEG_RATES = [44100, 48000, 32000]

/** Byte length of the Layer III frame at offset (0 when not a Layer III frame or free-format). */
export function mpegFrameLength(bytes: Uint8Array, offset: number): number {
  if (!isMpegFrameHeader(bytes, offset)) return 0
  const b1 = bytes[offset + 1]
  const b2 = bytes[offset + 2]
  const version = (b1 >> 3) & 3 // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  if (((b1 >> 1) & 3) !== 1) return 0
  const kbps = (version === 3 ? MPEG1_L3_KBPS : MPEG2_L3_KBPS)[b2 >> 4]
  const rate = MPEG_RATES[(b2 >> 2) & 3] / (version === 3 ? 1 : version === 2 ? 2 : 4)
  const padding = (b2 >> 1) & 1
  if (!kbps) return 0
  return Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + padding
}

const NON_AUDIO: Array<{ test: (b: Uint8Array) => boolean; what: string }> = [
  { test: (b) => ascii(b, 0, 5) === '%PDF-', what: 'a PDF document' },
  { test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), what: 'a PNG image' },
  { test: (b) => startsWith(b, [0xff, 0xd8, 0xff]), what: 'a JPEG image' },
  { test: (b) => ascii(b, 0, 4) === 'GIF8', what: 'a GIF image' },
  { test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP', what: 'a WebP image' },
  { test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'AVI ', what: 'an AVI video' },
  { test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]), what: 'a ZIP archive (or an Office document)' },
  { test: (b) => startsWith(b, [0x1f, 0x8b]), what: 'a gzip archive' },
  { test: (b) => ascii(b, 0, 4) === '\x7fELF' || ascii(b, 0, 2) === 'MZ', what: 'a program' }
]

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512)
  if (sample.length === 0) return false
  let printable = 0
  for (const b of sample) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc2) printable++
  return printable / sample.length > 0.95
}

/** A short description of a recognised non-audio file, for error messages. */
export function describeNonAudio(bytes: Uint8Array): string | null {
  for (const { test, what } of NON_AUDIO) if (test(bytes)) return what
  if (!looksLikeText(bytes)) return null
  const start = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart()
  if (start.startsWith('{') || start.startsWith('[')) return 'JSON text'
  if (/^<(!doctype html|html)/i.test(start)) return 'an HTML page'
  if (start.startsWith('<')) return 'XML text'
  return 'plain text'
}
