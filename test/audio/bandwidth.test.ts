import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { makeNoise, synthesize, type Voice } from '../fixtures/speech.js'
import { decodeAudio } from '../../src/audio/index.js'
import { estimateBandwidth } from '../../src/audio/bandwidth.js'

const run = promisify(execFile)
const TEXT = 'Please hold the line for a moment while I transfer you to the billing team.'

async function decoded(path: string): Promise<Float32Array> {
  return (await decodeAudio(new Uint8Array(await readFile(path)), { maxSeconds: 60 })).samples
}

/** Converts with sox `effects`, writing `suffix` next to the input. */
async function convert(path: string, suffix: string, args: string[], effects: string[] = []): Promise<string> {
  const out = path.replace(/\.wav$/, `-${suffix}.wav`)
  await run('sox', ['-V1', path, ...args, out, ...effects])
  return out
}

describe('estimateBandwidth', () => {
  it.each<Voice>(['rms', 'slt', 'espeak'])('calls wideband speech (%s) wideband', async (voice) => {
    const path = await synthesize(TEXT, { voice, padStart: 0.3, padEnd: 0.5 })
    expect(estimateBandwidth(await decoded(path), 16000).narrowband).toBe(false)
  })

  it.each<Voice>(['rms', 'slt'])('calls the same speech (%s) over a phone line narrowband, whatever rate it was saved at', async (voice) => {
    const path = await synthesize(TEXT, { voice, padStart: 0.3, padEnd: 0.5 })
    const phone = await convert(path, 'phone', ['-r', '8000', '-e', 'mu-law'], ['sinc', '300-3400'])
    // A call recorder that saves at CD rate: the container says 44.1 kHz, the band says telephone.
    const resaved = await convert(phone, 'cd', ['-r', '44100', '-e', 'signed', '-b', '16'])
    expect(estimateBandwidth(await decoded(phone), 16000).narrowband).toBe(true)
    expect(estimateBandwidth(await decoded(resaved), 16000).narrowband).toBe(true)
  })

  it('does not call hiss above 4 kHz speech when only the phone band carries the voice', async () => {
    // Near-silent audio with faint broadband noise: the loudest frames still have the high band.
    const noise = await makeNoise(2, 0.01)
    expect(estimateBandwidth(await decoded(noise), 16000).narrowband).toBe(false)
  })
})
