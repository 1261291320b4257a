import type { CepstralSum } from './protocol.js'

/** PocketSphinx's front end: 13 cepstra per frame. */
export const CEPSTRUM_LENGTH = 13

/**
 * The cepstral mean each span is normalised with: half the span's own mean, half the mean
 * over every span of the recording. PocketSphinx's default normalises a span by itself
 * alone, which for a few seconds of speech is a noisy estimate of the channel; the whole
 * recording shares one channel and speaker, but a span's own mean still tracks local changes.
 * Measured with npm run bench:stt. Silence between spans is left out: it drags c0 down.
 * Every mean depends only on the recording, never on which decoder takes which span.
 *
 * `cepstra` holds each span's cepstra (frames x 13), in the order of the spans.
 */
export function cepstralMeans(cepstra: Float32Array[]): Float32Array[] {
  const total = new Float64Array(CEPSTRUM_LENGTH)
  let totalFrames = 0
  const own = cepstra.map((c) => {
    const sum = new Float64Array(CEPSTRUM_LENGTH)
    const count = Math.floor(c.length / CEPSTRUM_LENGTH)
    for (let f = 0; f < count; f++) {
      for (let j = 0; j < CEPSTRUM_LENGTH; j++) sum[j] += c[f * CEPSTRUM_LENGTH + j]
    }
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

// How far (Euclidean, over the 13 cepstra) an utterance's speech mean may lie from the stream's channel
// mean before the live result, normalised by the channel's mean, is not trusted. Measured on the flite
// sentences of bench:streaming: the same voice lies 5-17 from its own earlier utterances, another voice
// 19-39; real single-speaker dev-set streams lie 6-22, so a few real utterances are decoded again, which costs
// a whole decode of the utterance and never loses words (the whole decode is what an upload hears).
export const VOICE_CHANGE_DISTANCE = 18

/** The sum of `cepstra` (each frames x 13) over all their frames. */
export function speechSum(cepstra: Float32Array[]): CepstralSum {
  const sum = new Float64Array(CEPSTRUM_LENGTH)
  let frames = 0
  for (const c of cepstra) {
    const count = Math.floor(c.length / CEPSTRUM_LENGTH)
    for (let i = 0; i < count * CEPSTRUM_LENGTH; i++) sum[i % CEPSTRUM_LENGTH] += c[i]
    frames += count
  }
  return { sum, frames }
}

/** True when `speech` sounds like another voice or line than `channel`. */
export function farFromChannel(speech: CepstralSum, channel: Float32Array): boolean {
  if (speech.frames <= 0) return false
  let d = 0
  for (let j = 0; j < CEPSTRUM_LENGTH; j++) d += (speech.sum[j] / speech.frames - channel[j]) ** 2
  return Math.sqrt(d) > VOICE_CHANGE_DISTANCE
}

// One second of speech gives a mean that decodes as well as the utterance's own (npm run bench:streaming).
const MIN_CHANNEL_FRAMES = 100
// The last minute of speech counts: a stream whose line or speaker changes is followed.
const MAX_CHANNEL_FRAMES = 6000

/**
 * The channel of one live stream, learned from the speech of its finished utterances. A live decoder
 * normalises each frame by a mean it knows before the frame arrives; started from the model's initial
 * mean it misses many more words than a whole-utterance decode normalised by the utterance's own mean.
 * Started from the mean of the same speaker on the same line, it does about as well.
 */
export class ChannelMean {
  private readonly sum = new Float64Array(CEPSTRUM_LENGTH)
  private frames = 0

  add(speech: CepstralSum): void {
    const keep = Math.min(1, MAX_CHANNEL_FRAMES / Math.max(1, this.frames + speech.frames))
    for (let j = 0; j < CEPSTRUM_LENGTH; j++) this.sum[j] = (this.sum[j] + speech.sum[j]) * keep
    this.frames = (this.frames + speech.frames) * keep
  }

  /** undefined until enough speech has been heard */
  get mean(): Float32Array | undefined {
    if (this.frames < MIN_CHANNEL_FRAMES) return undefined
    return Float32Array.from(this.sum, (s) => s / this.frames)
  }
}
