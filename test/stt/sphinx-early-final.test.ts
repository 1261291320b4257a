import { describe, expect, it } from 'vitest'
import { EarlyFinal } from '../../src/stt/sphinx/early-final.js'
import type { DecodedSpan } from '../../src/stt/sphinx/transcript.js'

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
const frame = (value: number) => new Float32Array(320).fill(value)
// The quiet each guess gets after what was written: ten 20 ms frames.
const TAIL = 3200

/** An EarlyFinal whose decode records the audio it was given and answers with its length. */
function recording() {
  const decoded: Float32Array[] = []
  const early = new EarlyFinal(async (samples) => {
    decoded.push(samples)
    return [{ offset: 0, result: { text: `${samples.length}`, words: [], frames: 0 } }] satisfies DecodedSpan[]
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
    const guess = early.end()
    expect(guess).toBeDefined()
    expect((await guess!)[0]!.result.text).toBe(`${3200 + TAIL}`)
  })

  it('drops the guess when speech goes on after the pause, and guesses again at the next pause', async () => {
    const { early, decoded } = recording()
    early.write(frame(0.1))
    await pause(250)
    early.write(frame(0.2))
    await pause(20)
    expect(early.end()).toBeUndefined()

    const next = recording()
    next.early.write(frame(0.1))
    await pause(250)
    next.early.write(frame(0.2))
    await pause(250)
    expect(next.decoded.map((d) => d.length)).toEqual([320 + TAIL, 640 + TAIL])
    expect((await next.early.end()!)[0]!.result.text).toBe(`${640 + TAIL}`)
    expect(decoded).toHaveLength(1)
  })

  it('never guesses while audio keeps coming, nor for an utterance ended before it paused', async () => {
    const { early, decoded } = recording()
    for (let i = 0; i < 8; i++) {
      early.write(frame(0.1))
      await pause(20)
    }
    expect(early.end()).toBeUndefined()
    await pause(250)
    expect(decoded).toHaveLength(0)
  })

  it('drops the guess when speech is written together with the end, as a client committing its own turn does', async () => {
    const { early, decoded } = recording()
    early.write(frame(0.1))
    await pause(250)
    expect(decoded).toHaveLength(1)
    for (let i = 0; i < 5; i++) early.write(frame(0.1))
    expect(early.end()).toBeUndefined()
  })

  it('starts no guess while the decoder threads are busy', async () => {
    const decoded: Float32Array[] = []
    const early = new EarlyFinal(
      async (samples) => {
        decoded.push(samples)
        return []
      },
      () => false
    )
    early.write(frame(0.1))
    await pause(250)
    expect(decoded).toHaveLength(0)
    expect(early.end()).toBeUndefined()
  })

  it('guesses again once a running guess settles, when the speaker went on and paused meanwhile', async () => {
    const decoded: number[] = []
    const early = new EarlyFinal(async (samples) => {
      decoded.push(samples.length)
      await pause(300)
      return [{ offset: 0, result: { text: `${samples.length}`, words: [], frames: 0 } }] satisfies DecodedSpan[]
    })
    early.write(frame(0.1))
    await pause(150)
    early.write(frame(0.2))
    await pause(700)
    expect(decoded).toEqual([320 + TAIL, 640 + TAIL])
    expect((await early.end()!)[0]!.result.text).toBe(`${640 + TAIL}`)
  })
})
