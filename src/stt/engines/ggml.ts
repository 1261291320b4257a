import { open } from 'node:fs/promises'

/** 'ggml' as a little-endian uint32, the first four bytes of every whisper.cpp model file. */
const GGML_MAGIC = 0x67676d6c
/** magic + the 11 int32 hyper-parameters whisper.cpp reads before the weights */
const HEADER_BYTES = 4 + 11 * 4

export const DOWNLOAD_HINT = 'Download one with `npm run models:download -- base.en` and set WHISPER_MODEL_PATH to the file.'

export interface GgmlHeader {
  nVocab: number
  nAudioCtx: number
  nAudioState: number
  nAudioLayer: number
  nTextLayer: number
  nMels: number
  ftype: number
  multilingual: boolean
}

/**
 * Checks that a file looks like a whisper.cpp ggml model before the native loader sees it: native code
 * fed a random or truncated file may crash the process instead of throwing. Returns the header, or a
 * sentence an operator can act on.
 */
export async function readGgmlHeader(path: string | undefined): Promise<{ header: GgmlHeader } | { problem: string }> {
  if (!path) return { problem: `WHISPER_MODEL_PATH is not set. ${DOWNLOAD_HINT}` }
  let bytes: Buffer
  try {
    const file = await open(path, 'r')
    try {
      const stat = await file.stat()
      if (stat.isDirectory()) return { problem: `WHISPER_MODEL_PATH=${path} is a directory, not a model file. ${DOWNLOAD_HINT}` }
      if (!stat.isFile()) return { problem: `WHISPER_MODEL_PATH=${path} is not a regular file. ${DOWNLOAD_HINT}` }
      bytes = Buffer.alloc(HEADER_BYTES)
      const { bytesRead } = await file.read(bytes, 0, HEADER_BYTES, 0)
      if (bytesRead < HEADER_BYTES) return { problem: `WHISPER_MODEL_PATH=${path} is only ${stat.size} bytes: not a whisper model. ${DOWNLOAD_HINT}` }
    } finally {
      await file.close()
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { problem: `WHISPER_MODEL_PATH=${path} does not exist. ${DOWNLOAD_HINT}` }
    if (code === 'EISDIR') return { problem: `WHISPER_MODEL_PATH=${path} is a directory, not a model file. ${DOWNLOAD_HINT}` }
    return { problem: `WHISPER_MODEL_PATH=${path} cannot be read (${code ?? (err as Error).message}).` }
  }

  if (bytes.readUInt32LE(0) !== GGML_MAGIC)
    return { problem: `WHISPER_MODEL_PATH=${path} is ${guessFormat(bytes)}, not a whisper.cpp ggml model. ${DOWNLOAD_HINT}` }
  const int = (i: number) => bytes.readInt32LE(4 + i * 4)
  const header: GgmlHeader = {
    nVocab: int(0),
    nAudioCtx: int(1),
    nAudioState: int(2),
    nAudioLayer: int(4),
    nTextLayer: int(8),
    nMels: int(9),
    ftype: int(10),
    // whisper.cpp's own rule: English-only vocabularies have 51864 tokens, multilingual ones more.
    multilingual: int(0) >= 51865
  }
  const sane =
    header.nVocab > 0 &&
    header.nVocab < 1_000_000 &&
    header.nAudioCtx > 0 &&
    header.nAudioCtx <= 1_000_000 &&
    header.nAudioState > 0 &&
    header.nAudioState <= 65_536 &&
    header.nAudioLayer > 0 &&
    header.nAudioLayer <= 256 &&
    header.nTextLayer > 0 &&
    header.nTextLayer <= 256 &&
    (header.nMels === 80 || header.nMels === 128)
  if (!sane) return { problem: `WHISPER_MODEL_PATH=${path} has a ggml header with impossible sizes: the file is damaged. ${DOWNLOAD_HINT}` }
  return { header }
}

/** Names what a wrong file probably is, so the operator knows which mistake they made. */
function guessFormat(bytes: Buffer): string {
  const ascii = bytes.subarray(0, 4).toString('latin1')
  if (ascii === 'GGUF') return 'a GGUF file (whisper.cpp needs the ggml-*.bin format)'
  if (ascii.startsWith('PK')) return 'a zip archive (perhaps a PyTorch checkpoint that needs converting)'
  if (ascii === 'RIFF') return 'a WAV file'
  if (bytes.readUInt32BE(0) === GGML_MAGIC) return 'a ggml file with the wrong byte order'
  if (/^[\s<{]/.test(ascii)) return 'a text file (an HTML error page from a failed download?)'
  return 'an unknown format'
}
