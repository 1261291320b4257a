/** A span of samples [start, end) uploaded as one request. */
export interface Chunk {
  start: number
  end: number
}

const FRAME = 160 // 10 ms at 16 kHz

/**
 * Splits a recording into pieces no longer than `maxSamples`, cutting each at the quietest 10 ms frame
 * in the last `searchSamples` before the limit. Cutting in a pause keeps words whole, and whole words are
 * what keeps the text and the timings right across the seam.
 */
export function splitForUpload(samples: Float32Array, maxSamples: number, searchSamples = Math.floor(maxSamples / 20)): Chunk[] {
  const chunks: Chunk[] = []
  let start = 0
  while (samples.length - start > maxSamples) {
    const limit = start + maxSamples
    const cut = quietestFrame(samples, Math.max(start + FRAME, limit - searchSamples), limit)
    chunks.push({ start, end: cut })
    start = cut
  }
  if (start < samples.length || chunks.length === 0) chunks.push({ start, end: samples.length })
  return chunks
}

/** Middle of the lowest-energy frame in [from, to), or `to` when the window is shorter than a frame. */
function quietestFrame(samples: Float32Array, from: number, to: number): number {
  let best = to
  let bestEnergy = Infinity
  for (let frame = from; frame + FRAME <= to; frame += FRAME) {
    let energy = 0
    for (let i = frame; i < frame + FRAME; i++) energy += samples[i] * samples[i]
    // `<=` prefers the latest quiet frame, so chunks stay as close to the limit as the audio allows.
    if (energy <= bestEnergy) {
      bestEnergy = energy
      best = frame + FRAME / 2
    }
  }
  return best
}
