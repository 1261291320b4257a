import type { PcmAudio } from '../../../src/stt/types.js'

/**
 * Speech-like test signal: a 220 Hz tone with a slow loudness wobble, silent inside `gaps`
 * (pairs of [start, end] seconds) so chunking has pauses to find.
 */
export function speechLike(seconds: number, gaps: Array<[number, number]> = []): PcmAudio {
  const samples = new Float32Array(Math.round(seconds * 16000))
  for (let i = 0; i < samples.length; i++) {
    const t = i / 16000
    if (gaps.some(([a, b]) => t >= a && t < b)) continue
    samples[i] = 0.3 * Math.sin(2 * Math.PI * 220 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t))
  }
  return { samples, sampleRate: 16000 }
}
