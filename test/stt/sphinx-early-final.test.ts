import { describe, expect, it } from 'vitest'
import { EarlyFinal, NO_GUESS, guessFinal, type FinalGuess } from '../../src/stt/sphinx/early-final.js'

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
const frame = (value: number) => new Float32Array(320).fill(value)
// The quiet each guess gets after what was written: ten 20 ms frames.
const TAIL = 3200
/** A guess decoded whole, its text standing for what the guess heard. */
const whole = (text: string): FinalGuess => ({ kind: 'whole', decoded: [{ offset: 0, result: { text, words: [], frames: 0 } }] })
const textOf = (guess: FinalGuess) => (guess.kind === 'whole' ? guess.decoded[0]!.result.text : guess.kind)

/** An EarlyFinal whose decode records the audio it was given and answers with its length. */
function recording() {
  const decoded: Float32Array[] = []
  const early = new EarlyFinal(async (samples) => {
    decoded.push(samples)
    return whole(`${samples.length}`)
  })
  return { early, decoded }
}

describe('sphinx early final', () => {
  it('decodes what was written once the audio pauses, and keeps that guess when the end follows with its tail', async () => {
    const { early, decoded } = recording()
    for (let i = 0; i < 10; i++) early.write(frame(i === 4 ? 0.01 : 0.1))
    await pause(250)
    // What was written, then 200 ms of its quietest frame standing in for the quiet the end brings.
    expect(decoded.map((d) => d.length)).toEqual([3200 + TAIL])
    expect(decoded[0]!.subarray(0, 3200).every((v, i) => Math.abs(v - (i >= 1280 && i < 1600 ? 0.01 : 0.1)) < 1e-6)).toBe(true)
    expect(decoded[0]!.subarray(3200).every((v) => Math.abs(v - 0.01) < 1e-6)).toBe(true)
    // The quiet written with the end does not undo the guess.
    for (let i = 0; i < 10; i++) early.write(frame(0))
    expect(textOf(await early.end())).toBe(`${3200 + TAIL}`)
  })

  it('answers a second end() as the first, though the audio it judged is gone by then', async () => {
    const { early } = recording()
    early.write(frame(0.1))
    await pause(250)
    early.write(frame(0.2))
    expect(await early.end()).toEqual(NO_GUESS)
    expect(await early.end()).toEqual(NO_GUESS)
  })

  it('drops the guess when speech goes on after the pause, and guesses again at the next pause', async () => {
    const { early, decoded } = recording()
    early.write(frame(0.1))
    await pause(250)
    early.write(frame(0.2))
    await pause(20)
    expect(await early.end()).toEqual(NO_GUESS)

    const next = recording()
    next.early.write(frame(0.1))
    await pause(250)
    next.early.write(frame(0.2))
    await pause(250)
    expect(next.decoded.map((d) => d.length)).toEqual([320 + TAIL, 640 + TAIL])
    expect(textOf(await next.early.end())).toBe(`${640 + TAIL}`)
    expect(decoded).toHaveLength(1)
  })

  it('never guesses while audio keeps coming, nor for an utterance ended before it paused', async () => {
    const { early, decoded } = recording()
    for (let i = 0; i < 8; i++) {
      early.write(frame(0.1))
      await pause(20)
    }
    expect(await early.end()).toEqual(NO_GUESS)
    await pause(250)
    expect(decoded).toHaveLength(0)
  })

  it('drops the guess when speech is written together with the end, as a client committing its own turn does', async () => {
    const { early, decoded } = recording()
    early.write(frame(0.1))
    await pause(250)
    expect(decoded).toHaveLength(1)
    for (let i = 0; i < 5; i++) early.write(frame(0.1))
    expect(await early.end()).toEqual(NO_GUESS)
  })

  it('starts no guess while the decoder threads are busy', async () => {
    const decoded: Float32Array[] = []
    const early = new EarlyFinal(
      async (samples) => {
        decoded.push(samples)
        return whole('')
      },
      () => false
    )
    early.write(frame(0.1))
    await pause(250)
    expect(decoded).toHaveLength(0)
    expect(await early.end()).toEqual(NO_GUESS)
  })

  it('guesses again once a running guess settles, when the speaker went on and paused meanwhile', async () => {
    const decoded: number[] = []
    const early = new EarlyFinal(async (samples) => {
      decoded.push(samples.length)
      await pause(300)
      return whole(`${samples.length}`)
    })
    early.write(frame(0.1))
    await pause(150)
    early.write(frame(0.2))
    await pause(700)
    expect(decoded).toEqual([320 + TAIL, 640 + TAIL])
    expect(textOf(await early.end())).toBe(`${640 + TAIL}`)
  })
})

describe('sphinx early final guess', () => {
  const RATE = 16000
  /** a 200 Hz tone for a second, standing in for speech, between low noise */
  function utterance(): Float32Array {
    const out = new Float32Array(2 * RATE)
    for (let i = 0; i < out.length; i++) {
      const t = i / RATE
      out[i] = t >= 0.5 && t < 1.5 ? 0.3 * Math.sin(2 * Math.PI * 200 * t) : 0.002 * Math.sin(i * 12.9898)
    }
    return out
  }

  /** Upload threads whose cepstra are all `value`; `busyAfterCepstra` stands for uploads taking every thread meanwhile. */
  function threads(value: number, busyAfterCepstra = false) {
    const decodes: Float32Array[] = []
    const decoders = {
      threads: { idle: 1 },
      async cepstra(samples: Float32Array) {
        if (busyAfterCepstra) decoders.threads.idle = 0
        return new Float32Array(Math.floor(samples.length / 160) * 13).fill(value)
      },
      async decode(samples: Float32Array, _signal?: AbortSignal, cmn?: Float32Array) {
        decodes.push(cmn!)
        return { text: 'decoded', words: [], frames: samples.length / 160 }
      }
    }
    return { decoders, decodes }
  }

  it('decodes the utterance whole by its own mean while the channel is unknown, and for speech far from the channel', async () => {
    const unknown = threads(1)
    expect(textOf(await guessFinal(unknown.decoders, utterance(), undefined, undefined))).toBe('decoded')
    expect(Array.from(unknown.decodes[0]!)).toEqual(new Array(13).fill(1))
    const far = threads(10)
    expect(textOf(await guessFinal(far.decoders, utterance(), new Float32Array(13), undefined))).toBe('decoded')
  })

  it('lets the live result stand for speech near the channel, without a decode', async () => {
    const near = threads(1)
    expect(await guessFinal(near.decoders, utterance(), new Float32Array(13).fill(1), undefined)).toEqual({ kind: 'near-channel' })
    expect(near.decodes).toHaveLength(0)
  })

  it('gives no guess, instead of queueing its decode behind uploads, when the threads got busy during its cepstra', async () => {
    const busy = threads(1, true)
    expect(await guessFinal(busy.decoders, utterance(), undefined, undefined)).toEqual(NO_GUESS)
    expect(busy.decodes).toHaveLength(0)
  })

  it('gives no guess when fewer upload threads are free than the utterance has speech spans', async () => {
    // Two bursts of speech 1.5 s apart: two spans, two decode tasks.
    const samples = new Float32Array(4 * RATE)
    for (let i = 0; i < samples.length; i++) {
      const t = i / RATE
      const loud = (t >= 0.5 && t < 1.2) || (t >= 2.7 && t < 3.4)
      samples[i] = loud ? 0.3 * Math.sin(2 * Math.PI * 200 * t) : 0.002 * Math.sin(i * 12.9898)
    }
    const two = threads(1)
    two.decoders.threads.idle = 2
    expect(textOf(await guessFinal(two.decoders, samples, undefined, undefined))).toBe('decoded')
    expect(two.decodes).toHaveLength(2)
    const one = threads(1)
    expect(await guessFinal(one.decoders, samples, undefined, undefined)).toEqual(NO_GUESS)
    expect(one.decodes).toHaveLength(0)
  })

  it('gives no guess for an utterance without speech', async () => {
    const quiet = threads(1)
    expect(await guessFinal(quiet.decoders, new Float32Array(RATE), undefined, undefined)).toEqual(NO_GUESS)
    expect(quiet.decodes).toHaveLength(0)
  })
})
