import { afterEach, describe, expect, it } from 'vitest'
import { readWav16k, synthesize } from '../fixtures/speech.js'
import { DecoderPool } from '../../src/stt/sphinx/pool.js'
import { DEFAULT_DECODER_ARGS, decoderArgs } from '../../src/stt/sphinx/native.js'
import { wordErrorRate } from '../../src/stt/wer.js'

const SENTENCE = 'Could you confirm the email address on your account, please?'

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('sphinx stream decoder pool', () => {
  let pool: DecoderPool | undefined

  afterEach(async () => {
    await pool?.close()
    pool = undefined
  })

  it('keeps one loaded thread free ahead of the live utterances, up to its size, and gives spares back when quiet', async () => {
    pool = new DecoderPool(3, { args: decoderArgs({}, DEFAULT_DECODER_ARGS) }, undefined, { idleMs: 1_000 })
    await pool.ready
    // Nobody streams yet: one thread, nothing started ahead.
    expect(pool.threads).toEqual({ started: 1, idle: 1 })

    const first = pool.lease(() => undefined)
    // The first utterance takes the only thread; the next starts and loads its model meanwhile.
    await until(() => pool!.threads.started === 2 && pool!.threads.idle === 1)

    // A second stream arriving now takes that loaded thread and decodes at once.
    const samples = await readWav16k(await synthesize(SENTENCE, { voice: 'rms', padStart: 0.3, padEnd: 0.5 }))
    const partials: string[] = []
    const second = pool.lease((text) => partials.push(text))
    for (let i = 0; i < samples.length; i += 1600) second.write(samples.slice(i, i + 1600))
    await until(() => pool!.threads.started === 3 && pool!.threads.idle === 1)
    const third = pool.lease(() => undefined)
    await until(() => pool!.threads.idle === 0)
    // Never past its size.
    expect(pool.threads.started).toBe(3)

    const result = await second.end('whole')
    expect(partials.length).toBeGreaterThan(1)
    const text = result!.decoded.map((d) => d.result.text).join(' ')
    expect(wordErrorRate(SENTENCE, text), text).toBeLessThanOrEqual(0.25)

    first.release()
    third.release()
    // Quiet again: the threads above the kept one exit and none starts in their place.
    await until(() => pool!.threads.started === 1, 10_000)
    await new Promise((r) => setTimeout(r, 1_500))
    expect(pool.threads).toEqual({ started: 1, idle: 1 })
  })

  it('loads the kept threads with the first stream and keeps them through quiet', async () => {
    pool = new DecoderPool(3, { args: decoderArgs({}, DEFAULT_DECODER_ARGS) }, undefined, { idleMs: 500, keep: 2 })
    await pool.ready
    expect(pool.threads).toEqual({ started: 2, idle: 2 })
    // Two utterances at once take the two loaded threads; the third thread starts as their spare.
    const a = pool.lease(() => undefined)
    const b = pool.lease(() => undefined)
    await until(() => pool!.threads.started === 3 && pool!.threads.idle === 1)
    a.release()
    b.release()
    await until(() => pool!.threads.started === 2, 10_000)
    await new Promise((r) => setTimeout(r, 1_000))
    expect(pool.threads).toEqual({ started: 2, idle: 2 })
  })

  it('starts a loaded thread for every open stream before any speaks, up to its size, and gives them back once closed', async () => {
    pool = new DecoderPool(3, { args: decoderArgs({}, DEFAULT_DECODER_ARGS) }, undefined, { idleMs: 3_000 })
    await pool.ready
    const streams = [pool.reserve(), pool.reserve()]
    // Two open streams, neither speaking yet: a second thread loads, and both wait free.
    await until(() => pool!.threads.started === 2 && pool!.threads.idle === 2)
    // Never past its size.
    streams.push(pool.reserve(), pool.reserve())
    await until(() => pool!.threads.started === 3 && pool!.threads.idle === 3)
    expect(pool.threads.started).toBe(3)
    for (const release of streams) release()
    await until(() => pool!.threads.started === 1, 10_000)
    // Released streams no longer count: one new stream needs the one thread left, and nothing starts.
    const again = pool.reserve()
    await new Promise((r) => setTimeout(r, 1_000))
    expect(pool.threads.started).toBe(1)
    again()
  })
})
