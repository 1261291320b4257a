/** A PCM16 mono WAV file of these samples (one copy: the header and the samples). */
export function toWav(pcm: Int16Array, sampleRate: number): Buffer {
  const header = Buffer.alloc(44)
  const bytes = pcm.byteLength
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + bytes, 4)
  header.write('WAVEfmt ', 8, 'ascii')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(bytes, 40)
  return Buffer.concat([header, Buffer.from(pcm.buffer, pcm.byteOffset, bytes)])
}
