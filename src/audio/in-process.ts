/**
 * The in-process decoders (audio-decode: WAV, MP3, FLAC, Ogg Vorbis, Opus, and WebM/MP4 when ffmpeg is
 * missing), fed block by block from a recording in memory or in a file.
 */
import decode from 'audio-decode'
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { Mono16kWriter } from './mono16k.js'

export type InProcessFormat = 'wav' | 'flac' | 'mp3' | 'oga' | 'opus' | 'webm' | 'm4a'

// Blocks of this size keep the per-block float copy small (~1.5 s of 44.1 kHz stereo 16-bit WAV).
const BLOCK_BYTES = 256 * 1024
// Long decodes hand the event loop back this often so a server keeps answering other requests.
const YIELD_EVERY_MS = 25

/** Where a recording's bytes are, so a decoder thread can read them itself. */
export type AudioSource = { path: string } | { bytes: Uint8Array }

/**
 * A recording as the decoders read it: in memory, or in a file read block by block so that a long
 * upload is never held whole beside its decoded samples.
 */
export interface AudioBytes {
  /** bytes in all */
  length: number
  /** the first bytes, enough to sniff and probe (all of them when the recording is in memory) */
  head: Uint8Array
  /** a fresh, aligned copy of [start, end): Buffer#slice would return a view into Node's shared pool instead */
  read(start: number, end: number): Promise<Uint8Array>
  /** every byte at once, for ffmpeg */
  all(): Promise<Uint8Array>
  source: AudioSource
}

export function inMemory(bytes: Uint8Array): AudioBytes {
  return {
    length: bytes.length,
    head: bytes,
    read: async (start, end) => new Uint8Array(bytes.subarray(start, end)),
    all: async () => bytes,
    source: { bytes }
  }
}

/** The file at `path`, whose first `head` bytes were already read, open as `file` until the caller closes it. */
export function inFile(path: string, file: FileHandle, length: number, head: Uint8Array): AudioBytes {
  return { length, head, read: (start, end) => readRange(file, start, end), all: () => readFile(path), source: { path } }
}

export async function readRange(file: FileHandle, start: number, end: number): Promise<Uint8Array> {
  const block = new Uint8Array(Math.max(0, end - start))
  for (let got = 0; got < block.length;) {
    const { bytesRead } = await file.read(block, got, block.length - got, start + got)
    if (bytesRead === 0) return block.subarray(0, got)
    got += bytesRead
  }
  return block
}

/** Opens `source` for block reads; `close` ends them. */
export async function openSource(source: AudioSource, length: number): Promise<{ bytes: AudioBytes; close: () => Promise<void> }> {
  if ('bytes' in source) return { bytes: inMemory(source.bytes.subarray(0, length)), close: async () => undefined }
  const file = await open(source.path)
  return { bytes: inFile(source.path, file, length, new Uint8Array(0)), close: () => file.close() }
}

/**
 * Feeds the recording to a streaming decoder block by block, `length` bytes in all. Each block is a fresh
 * buffer because the WAV decoder views samples as typed arrays, which must start at an aligned offset; a
 * WAV file's header is fed on its own for the same reason (its data often starts at an odd multiple of 2).
 */
export async function decodeInProcess(bytes: AudioBytes, length: number, format: InProcessFormat, out: Mono16kWriter, headerBytes = 0): Promise<void> {
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
