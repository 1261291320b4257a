/**
 * Debian's en-us model ships its mixture weights only as `sendump` (8-bit, for fast decoding);
 * sphinxtrain's bw wants them as a float `mixture_weights` file. This expands one into the other.
 */
import { readFileSync, writeFileSync } from 'node:fs'

/** Reads sendump: length-prefixed header strings, then for each stream and density one byte per senone. */
export function readSendump(path: string): { senones: number; streams: number; densities: number; weights: Float32Array } {
  const buf = readFileSync(path)
  let off = 0
  const u32 = () => {
    const v = buf.readUInt32LE(off)
    off += 4
    return v
  }
  const str = () => {
    const n = u32()
    const s = n ? buf.toString('latin1', off, off + n - 1) : null
    off += n
    return s
  }
  str() // title
  const header: Record<string, number> = {}
  for (let h = str(); h !== null; h = str()) {
    const [key, value] = h.split(/\s+/)
    if (value !== undefined) header[key] = Number(value)
  }
  const shift = header.mixw_shift ?? 10
  const streams = header.feature_count
  let senones = header.mixture_count
  let densities = header.model_count
  if (!header.cluster_count) {
    densities = u32()
    senones = u32()
  }
  if (!streams || !senones || !densities) throw new Error(`${path}: not a sendump file this script understands`)
  // Output layout is senone x stream x density; sendump stores stream x density x senone.
  const weights = new Float32Array(senones * streams * densities)
  for (let f = 0; f < streams; f++) {
    for (let d = 0; d < densities; d++) {
      for (let s = 0; s < senones; s++) {
        weights[(s * streams + f) * densities + d] = Math.pow(1.0001, -(buf[off++] << shift))
      }
    }
  }
  return { senones, streams, densities, weights }
}

/** Writes a Sphinx-III binary 3-D float file (no checksum). */
export function writeS3Mixw(path: string, m: ReturnType<typeof readSendump>): void {
  let head = 's3\nversion 1.0\n'
  // The binary part starts on a 4-byte boundary.
  const pad = (4 - ((head.length + 'endhdr\n'.length) & 3)) & 3
  head += `${' '.repeat(pad)}endhdr\n`
  const dims = Buffer.alloc(4 * 5)
  dims.writeInt32LE(0x11223344, 0)
  dims.writeUInt32LE(m.senones, 4)
  dims.writeUInt32LE(m.streams, 8)
  dims.writeUInt32LE(m.densities, 12)
  dims.writeUInt32LE(m.weights.length, 16)
  writeFileSync(path, Buffer.concat([Buffer.from(head, 'latin1'), dims, Buffer.from(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength)]))
}
