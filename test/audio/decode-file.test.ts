import { truncateSync, writeFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AudioError, decodeAudio, decodeAudioFile } from '../../src/audio/index.js'
import { makeFixtures, type Fixtures } from './fixtures.js'

let fx: Fixtures
const limits = { maxSeconds: 600 }

beforeAll(() => {
  fx = makeFixtures()
  // About 40 s of 44.1 kHz stereo: several megabytes, so decodeAudioFile reads it block by block.
  fx.sox('speech.wav', '-r', '44100', '-c', '2', 'long.wav', 'repeat', '9')
  fx.ffmpeg('-i', 'long.wav', 'long.flac')
  fx.ffmpeg('-i', 'long.wav', '-c:a', 'libmp3lame', '-b:a', '320k', 'long.mp3')
})
afterAll(() => fx.cleanup())

async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(AudioError)
  return { code: (err as AudioError).code, message: (err as AudioError).message }
}

describe('decodeAudioFile: a recording decoded from disk is the same as from memory', () => {
  it.each(['long.wav', 'long.flac', 'long.mp3', 'speech.wav'])('%s', async (name) => {
    const fromMemory = await decodeAudio(fx.read(name), limits)
    const fromFile = await decodeAudioFile(fx.path(name), limits)
    expect(fromFile.info).toEqual(fromMemory.info)
    expect(fromFile.samples.length).toBe(fromMemory.samples.length)
    expect(
      Buffer.compare(
        Buffer.from(fromFile.samples.buffer, 0, fromFile.samples.byteLength),
        Buffer.from(fromMemory.samples.buffer, 0, fromMemory.samples.byteLength)
      )
    ).toBe(0)
    expect(fromFile.info.duration).toBeGreaterThan(name.startsWith('long') ? 30 : 3)
  })

  it('a WAV cut off in the middle is refused as corrupt, as from memory', async () => {
    writeFileSync(fx.path('cut.wav'), fx.read('long.wav'))
    truncateSync(fx.path('cut.wav'), Math.floor(fx.read('long.wav').length / 2))
    const fromFile = await failure(() => decodeAudioFile(fx.path('cut.wav'), limits))
    expect(fromFile).toEqual(await failure(() => decodeAudio(fx.read('cut.wav'), limits)))
    expect(fromFile.code).toBe('corrupt_audio')
  })

  it('a long FLAC cut off in the middle is refused as corrupt, with the same message from disk and from memory', async () => {
    writeFileSync(fx.path('cut.flac'), fx.read('long.flac'))
    truncateSync(fx.path('cut.flac'), Math.floor(fx.read('long.flac').length / 2))
    const fromFile = await failure(() => decodeAudioFile(fx.path('cut.flac'), limits))
    expect(fromFile).toEqual(await failure(() => decodeAudio(fx.read('cut.flac'), limits)))
    expect(fromFile.code).toBe('corrupt_audio')
    expect(fromFile.message).toMatch(/^The FLAC file is damaged or incomplete \(.+\)\. Re-export the recording or upload it again\.$/)
  })

  it("decoding a long FLAC leaves no decoder memory behind on the caller's thread", async () => {
    // The WASM decoder's memory (tens of MB, never shrunk) must go with the decode, not stay for the process's life.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const before = process.memoryUsage()
    const decoded = await decodeAudioFile(fx.path('long.flac'), limits)
    gc()
    const after = process.memoryUsage()
    const samples = decoded.samples.byteLength
    expect(after.external - before.external - samples).toBeLessThan(8 * 1024 * 1024)
    expect(after.arrayBuffers - before.arrayBuffers - samples).toBeLessThan(8 * 1024 * 1024)
  })

  it('a recording over the length limit is refused from its header', async () => {
    const { code, message } = await failure(() => decodeAudioFile(fx.path('long.flac'), { maxSeconds: 10 }))
    expect(code).toBe('audio_too_long')
    expect(message).toMatch(/10/)
  })

  it('an empty file is refused as empty', async () => {
    writeFileSync(fx.path('empty.wav'), '')
    expect((await failure(() => decodeAudioFile(fx.path('empty.wav'), limits))).code).toBe('empty_file')
  })
})
