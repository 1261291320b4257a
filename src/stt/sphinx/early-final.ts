import type { DecodedSpan } from './transcript.js'

// Live audio comes in real time, and the streaming core holds back the quiet after an utterance's last
// loud frame: a pause this long in its writes is the speaker stopping, or pausing inside the utterance.
const PAUSE_MS = 100
// Written after the pause in the same turn as the end: the start of the held quiet (200 ms) that the
// core sends with the endpoint, and the last part frame. More than this is speech that went on.
const TAIL_SAMPLES = 16000 / 4

/**
 * The whole decode of an utterance started speculatively, as soon as its audio pauses, instead of after
 * the endpoint: that silence lasts 100-500 ms more, which the decode (about a third of the utterance's
 * length in CPU time) overlaps. The guess stands if the utterance ends with the pause, its trailing quiet
 * aside; audio written later in another turn means the speaker went on, and the guess is dropped.
 * One guess runs at a time, so a speaker's many short pauses cost at most one decode each.
 */
export class EarlyFinal {
  private readonly chunks: Float32Array[] = []
  private length = 0
  private readonly timer: NodeJS.Timeout
  private guess: { result: Promise<DecodedSpan[]>; length: number } | undefined
  private running = false
  private ended = false

  constructor(private readonly decode: (samples: Float32Array) => Promise<DecodedSpan[]>) {
    this.timer = setTimeout(() => this.start(), PAUSE_MS).unref()
  }

  /** keeps `chunk` (not copied: the caller hands it over) */
  write(chunk: Float32Array): void {
    if (this.ended) return
    this.chunks.push(chunk)
    this.length += chunk.length
    const guess = this.guess
    // The end comes in the same turn as the tail it writes; anything later is more speech.
    if (guess) setImmediate(() => this.guess === guess && (this.guess = undefined))
    this.timer.refresh()
  }

  /** the guess, when it holds for everything written; stops listening for pauses */
  end(): Promise<DecodedSpan[]> | undefined {
    this.ended = true
    clearTimeout(this.timer)
    this.chunks.length = 0
    const guess = this.guess
    return guess && this.length - guess.length <= TAIL_SAMPLES ? guess.result : undefined
  }

  private start(): void {
    if (this.ended || this.running || this.length === 0 || this.guess?.length === this.length) return
    const samples = new Float32Array(this.length)
    let offset = 0
    for (const c of this.chunks) {
      samples.set(c, offset)
      offset += c.length
    }
    this.running = true
    const result = this.decode(samples)
    result.then(
      () => (this.running = false),
      () => (this.running = false)
    )
    this.guess = { result, length: this.length }
  }
}
