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

describe('a long FLAC is decoded by ffmpeg in its own process', () => {
  // Two minutes of 44.1 kHz stereo noise: white noise hardly compresses, so the FLAC is over 8 MB.
  beforeAll(() => {
    fx.sox('-n', '-r', '44100', '-c', '2', '-b', '16', 'noise.wav', 'synth', '120', 'whitenoise', 'vol', '0.5')
    fx.ffmpeg('-i', 'noise.wav', 'noise.flac')
  })

  it('gives the same samples from disk and from memory, and the recording as it is', async () => {
    expect(fx.read('noise.flac').length).toBeGreaterThan(8 * 1024 * 1024)
    const fromFile = await decodeAudioFile(fx.path('noise.flac'), limits)
    const fromMemory = await decodeAudio(fx.read('noise.flac'), limits)
    expect(fromFile.info).toEqual(fromMemory.info)
    expect(fromFile.info).toMatchObject({ format: 'flac', sampleRate: 44100, channels: 2 })
    expect(fromFile.info.duration).toBeCloseTo(120, 1)
    expect(
      Buffer.compare(
        Buffer.from(fromFile.samples.buffer, 0, fromFile.samples.byteLength),
        Buffer.from(fromMemory.samples.buffer, 0, fromMemory.samples.byteLength)
      )
    ).toBe(0)
  })

  it('refuses one cut off in the middle as corrupt, with the same message from disk and from memory', async () => {
    writeFileSync(fx.path('noise-cut.flac'), fx.read('noise.flac'))
    truncateSync(fx.path('noise-cut.flac'), Math.floor(fx.read('noise.flac').length / 2))
    const fromFile = await failure(() => decodeAudioFile(fx.path('noise-cut.flac'), limits))
    expect(fromFile).toEqual(await failure(() => decodeAudio(fx.read('noise-cut.flac'), limits)))
    expect(fromFile.code).toBe('corrupt_audio')
    expect(fromFile.message).toMatch(/^The FLAC file is damaged or incomplete \(.+\)\. Re-export the recording or upload it again\.$/)
  })

  it('still decodes it without ffmpeg, in process', async () => {
    const withFfmpeg = await decodeAudioFile(fx.path('noise.flac'), limits)
    const without = await decodeAudioFile(fx.path('noise.flac'), { ...limits, ffmpegPath: '/nonexistent/ffmpeg' })
    expect(without.info.duration).toBeCloseTo(withFfmpeg.info.duration, 1)
    expect(without.info).toMatchObject({ format: 'flac', sampleRate: 44100, channels: 2 })
    // Two decoders resample differently: equal samples would mean ffmpeg never decoded the first.
    expect(
      Buffer.compare(
        Buffer.from(without.samples.buffer, 0, without.samples.byteLength),
        Buffer.from(withFfmpeg.samples.buffer, 0, withFfmpeg.samples.byteLength)
      )
    ).not.toBe(0)
  })
})
