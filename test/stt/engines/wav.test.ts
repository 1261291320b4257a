import { describe, expect, it } from 'vitest'
import { splitForUpload } from '../../../src/stt/engines/chunks.js'
import { encodeWav, wavBytes } from '../../../src/stt/wav.js'
import { parseWav } from '../../helpers/stubs/server.js'

describe('encodeWav', () => {
  const audio = { samples: Float32Array.from([0, 0.5, -0.5, 1, -1, 2, -2]), sampleRate: 16000 as const }

  it('writes a 16 kHz mono 16-bit PCM WAV with clamped samples', () => {
    const wav = encodeWav(audio)
    expect(wav.length).toBe(wavBytes(7))
    expect(parseWav(wav)).toEqual({ sampleRate: 16000, channels: 1, bitsPerSample: 16, seconds: 7 / 16000 })
    const pcm = Array.from({ length: 7 }, (_, i) => wav.readInt16LE(44 + i * 2))
    expect(pcm).toEqual([0, 16384, -16384, 32767, -32768, 32767, -32768])
  })

  it('encodes a slice without touching the rest', () => {
    const wav = encodeWav(audio, 1, 3)
    expect(wav.length).toBe(wavBytes(2))
    expect([wav.readInt16LE(44), wav.readInt16LE(46)]).toEqual([16384, -16384])
    expect(encodeWav(audio, 5, 100).length).toBe(wavBytes(2))
    expect(encodeWav(audio, 9, 3).length).toBe(wavBytes(0))
  })
})

describe('splitForUpload', () => {
  it('keeps short audio whole and covers long audio without gaps or overlaps', () => {
    expect(splitForUpload(new Float32Array(100), 1000)).toEqual([{ start: 0, end: 100 }])
    const chunks = splitForUpload(new Float32Array(16000 * 25).fill(0.1), 16000 * 10)
    expect(chunks[0].start).toBe(0)
    expect(chunks.at(-1)!.end).toBe(16000 * 25)
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].start).toBe(chunks[i - 1].end)
    for (const c of chunks) expect(c.end - c.start).toBeLessThanOrEqual(16000 * 10)
  })

  it('cuts in the quietest part of the window before the limit', () => {
    const samples = new Float32Array(16000 * 15).fill(0.2)
    samples.fill(0, 16000 * 9.6, 16000 * 9.7) // a pause inside the last 0.5 s before 10 s
    const [first] = splitForUpload(samples, 16000 * 10)
    expect(first.end / 16000).toBeGreaterThanOrEqual(9.6)
    expect(first.end / 16000).toBeLessThanOrEqual(9.7)
  })
})
