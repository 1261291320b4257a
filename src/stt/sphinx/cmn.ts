import type { SpeechSpan } from './segment.js'

/** PocketSphinx's front end: 13 cepstra per frame, one frame every 10 ms (160 samples at 16 kHz). */
const CEPSTRUM_LENGTH = 13
const FRAME_SHIFT = 160

/**
 * The cepstral mean each span is normalised with: half the span's own mean, half the mean
 * over every span of the recording. PocketSphinx's default normalises a span by itself
 * alone, which for a few seconds of speech is a noisy estimate of the channel; the whole
 * recording shares one channel and speaker, but a span's own mean still tracks local changes.
 * Measured with npm run bench:stt. Silence between spans is left out: it drags c0 down.
 * Every mean depends only on the recording, never on which decoder takes which span.
 */
export function cepstralMeans(cepstra: Float32Array, spans: SpeechSpan[]): Float32Array[] {
  const frames = Math.floor(cepstra.length / CEPSTRUM_LENGTH)
  const total = new Float64Array(CEPSTRUM_LENGTH)
  let totalFrames = 0
  const own = spans.map((span) => {
    const sum = new Float64Array(CEPSTRUM_LENGTH)
    const first = Math.ceil(span.start / FRAME_SHIFT)
    const last = Math.min(frames, Math.ceil(span.end / FRAME_SHIFT))
    for (let f = first; f < last; f++) {
      for (let j = 0; j < CEPSTRUM_LENGTH; j++) sum[j] += cepstra[f * CEPSTRUM_LENGTH + j]
    }
    const count = Math.max(0, last - first)
    for (let j = 0; j < CEPSTRUM_LENGTH; j++) total[j] += sum[j]
    totalFrames += count
    return { sum, count }
  })
  return own.map(({ sum, count }) =>
    Float32Array.from(sum, (s, j) => {
      const recording = total[j] / Math.max(1, totalFrames)
      return count > 0 ? (s / count + recording) / 2 : recording
    })
  )
}
