/**
 * The 16-bit PCM inside a RIFF/WAVE file. Programs writing to a pipe cannot seek back to fill in
 * sizes (espeak-ng writes 0x7ffff000), so a data chunk is cut at the end of the buffer.
 */
export function pcmFromWav(bytes: Buffer): { pcm: Buffer; sampleRate: number } {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file')
  }
  let offset = 12
  let sampleRate = 0
  let channels = 0
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4)
    const size = bytes.readUInt32LE(offset + 4)
    const body = offset + 8
    if (id === 'fmt ') {
      const format = bytes.readUInt16LE(body)
      channels = bytes.readUInt16LE(body + 2)
      sampleRate = bytes.readUInt32LE(body + 4)
      const bits = bytes.readUInt16LE(body + 14)
      // 0xfffe is WAVE_FORMAT_EXTENSIBLE, which vendors use for plain PCM too.
      if ((format !== 1 && format !== 0xfffe) || bits !== 16) throw new Error(`WAV is not 16-bit PCM (format ${format}, ${bits} bits)`)
    } else if (id === 'data') {
      if (!sampleRate) throw new Error('WAV data before its format chunk')
      const end = Math.min(bytes.length, body + size)
      const pcm = bytes.subarray(body, end - ((end - body) % (2 * channels)))
      return { pcm: channels === 1 ? pcm : firstChannel(pcm, channels), sampleRate }
    }
    offset = body + size + (size % 2)
  }
  throw new Error('WAV has no data chunk')
}

function firstChannel(pcm: Buffer, channels: number): Buffer {
  const frames = pcm.length / (2 * channels)
  const mono = Buffer.alloc(frames * 2)
  for (let i = 0; i < frames; i++) mono.writeInt16LE(pcm.readInt16LE(i * 2 * channels), i * 2)
  return mono
}
