import { FRAME_SAMPLES as FRAME, TRAILING_QUIET_FRAMES } from '../../streaming/endpointer.js'
import { cepstralMeans, farFromChannel, speechSum } from './cmn.js'
import type { NativeResult } from './native.js'
import { findSpeech } from './segment.js'
import type { DecodedSpan } from './transcript.js'

// Live audio comes in real time, and the streaming core holds back the quiet after an utterance's last
// loud frame: a pause this long in its writes is the speaker stopping, or pausing inside the utterance.
const PAUSE_MS = 100
// Audio written after the guess counts as speech that went on when one of its 20 ms frames comes within
// this many dB of the loudest frame the guess heard; quieter is the held-back quiet the core sends with
// the endpoint. Misjudging noise as speech only costs the guess (the utterance is decoded again at its end).
const SPEECH_WITHIN_DB = 25
const SAMPLE_RATE = 16000

/**
 * What a guess found about an utterance's final:
 * - `none`: nothing to go on (no guess ran, speech went on after it, it heard no speech, or no upload
 *   thread was free for its decode); the stream thread decides at the utterance's end;
 * - `near-channel`: the speech heard to the pause lies near the stream's channel, so the live result
 *   should stand; the stream thread still checks the whole utterance and decodes it again if it sounds far;
 * - `whole`: the utterance decoded whole by its own mean, for a stream whose channel is not known yet or a
 *   voice far from it.
 */
export type FinalGuess = { kind: 'none' } | { kind: 'near-channel' } | { kind: 'whole'; decoded: DecodedSpan[] }

export const NO_GUESS: FinalGuess = { kind: 'none' }

/** The upload threads, as a guess uses them (DecoderPool). */
export interface GuessDecoders {
  cepstra(samples: Float32Array): Promise<Float32Array>
  decode(samples: Float32Array, signal?: AbortSignal, cmn?: Float32Array, mllr?: string): Promise<NativeResult>
  readonly threads: { idle: number }
}

/**
 * Guesses the final of an utterance heard to a pause, on the upload threads: the cepstra of its speech
 * first, then, until the stream's channel `cmn` is known or for speech far from it (another voice: see
 * farFromChannel), a whole decode of its speech spans, each normalised as an upload's are. The decode
 * starts only if an upload thread per span is free once the cepstra are in: queued behind uploads, it would hold
 * back the utterance's final, which the stream thread can decide at the end instead.
 */
export async function guessFinal(decoders: GuessDecoders, samples: Float32Array, cmn: Float32Array | undefined, mllr: string | undefined): Promise<FinalGuess> {
  const spans = findSpeech(samples, { sampleRate: SAMPLE_RATE })
  if (spans.length === 0) return NO_GUESS
  const cepstra = await Promise.all(spans.map((s) => decoders.cepstra(samples.subarray(s.start, s.end))))
  if (cmn && !farFromChannel(speechSum(cepstra), cmn)) return { kind: 'near-channel' }
  // Each span is one decode task: with fewer threads free the rest would queue ahead of uploads.
  if (decoders.threads.idle < spans.length) return NO_GUESS
  const means = cepstralMeans(cepstra)
  const decoded = await Promise.all(
    spans.map(async (s, i) => ({ offset: s.start / SAMPLE_RATE, result: await decoders.decode(samples.subarray(s.start, s.end), undefined, means[i], mllr) }))
  )
  return { kind: 'whole', decoded }
}

/**
 * An utterance's final worked out speculatively, as soon as its audio pauses, instead of after the
 * endpoint: that silence lasts 100-500 ms more, which the work (a whole decode costs about a third of the
 * utterance's length in CPU time) overlaps. The guess stands if nothing loud was written after it; else it
 * is dropped and a later pause starts another. One guess runs at a time, so a speaker's many short pauses
 * cost at most one decode each, and none starts while `canStart` says the decoder threads are busy (a guess
 * must not queue behind uploads: the stream's own thread can decide at the utterance's end instead).
 */
export class EarlyFinal {
  private readonly chunks: Float32Array[] = []
  private length = 0
  private readonly timer: NodeJS.Timeout
  private guess: { result: Promise<FinalGuess>; length: number; loudest: number } | undefined
  private running = false
  private ended: Promise<FinalGuess> | undefined

  constructor(
    private readonly decide: (samples: Float32Array) => Promise<FinalGuess>,
    private readonly canStart: () => boolean = () => true
  ) {
    this.timer = setTimeout(() => this.start(), PAUSE_MS).unref()
  }

  /** keeps `chunk` (not copied: the caller hands it over) */
  write(chunk: Float32Array): void {
    if (this.ended) return
    this.chunks.push(chunk)
    this.length += chunk.length
    this.timer.refresh()
  }

  /** the guess, when it holds for everything written, else NO_GUESS; stops listening for pauses */
  end(): Promise<FinalGuess> {
    // Decided once: the written audio is let go here, so a second call (abort, then end) could not judge again.
    if (this.ended) return this.ended
    clearTimeout(this.timer)
    const guess = this.guess
    const holds = guess && loudestFrame(this.concat(guess.length, this.length)) < guess.loudest * 10 ** (-SPEECH_WITHIN_DB / 20)
    this.chunks.length = 0
    this.ended = holds ? guess.result : Promise.resolve(NO_GUESS)
    return this.ended
  }

  private start(): void {
    if (this.ended || this.running || this.length === 0 || this.guess?.length === this.length) return
    if (!this.canStart()) return
    const heard = this.concat(0, this.length)
    const samples = withQuietTail(heard)
    this.running = true
    const settle = () => {
      this.running = false
      // Audio that came while this guess ran has paused again by now, or will re-arm the timer itself.
      if (!this.ended && this.guess && this.guess.length < this.length) this.timer.refresh()
    }
    const result = this.decide(samples)
    result.then(settle, settle)
    this.guess = { result, length: this.length, loudest: loudestFrame(heard) }
  }

  /** samples [from, to) of what was written */
  private concat(from: number, to: number): Float32Array {
    const out = new Float32Array(to - from)
    let at = 0
    for (const c of this.chunks) {
      const lo = Math.max(from - at, 0)
      const hi = Math.min(to - at, c.length)
      if (hi > lo) out.set(c.subarray(lo, hi), at + lo - from)
      at += c.length
    }
    return out
  }
}

/**
 * `samples` followed by TRAILING_QUIET_FRAMES copies of their quietest 20 ms frame. The quiet after an utterance's
 * last loud frame reaches the decoder only with its end (see the streaming session), and a guess stands
 * only if that quiet is quiet; without it the speech finder cuts the last span at the pause, short of its
 * padding, and the decoder clips the last word ("late" heard as "a", "to date" as "today").
 */
function withQuietTail(samples: Float32Array): Float32Array {
  let quietest = 0
  let lowest = Infinity
  for (let i = 0; i + FRAME <= samples.length; i += FRAME) {
    let sum = 0
    for (let j = i; j < i + FRAME; j++) sum += samples[j] * samples[j]
    // Exact zeros (a muted line) are not the line's quiet: the session never writes them as the tail.
    if (sum > 0 && sum < lowest) [lowest, quietest] = [sum, i]
  }
  const out = new Float32Array(samples.length + TRAILING_QUIET_FRAMES * FRAME)
  out.set(samples)
  if (lowest === Infinity) return out
  for (let k = 0; k < TRAILING_QUIET_FRAMES; k++) out.set(samples.subarray(quietest, quietest + FRAME), samples.length + k * FRAME)
  return out
}

/** RMS of the loudest 20 ms frame */
function loudestFrame(samples: Float32Array): number {
  let loudest = 0
  for (let i = 0; i < samples.length; i += FRAME) {
    const end = Math.min(samples.length, i + FRAME)
    let sum = 0
    for (let j = i; j < end; j++) sum += samples[j] * samples[j]
    loudest = Math.max(loudest, Math.sqrt(sum / (end - i)))
  }
  return loudest
}
