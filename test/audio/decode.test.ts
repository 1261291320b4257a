import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AudioError, decodeAudio, type DecodedAudio } from '../../src/audio/index.js'
import { bestCorrelation, makeFixtures, readPcm16, rms, wavHeader, type Fixtures } from './fixtures.js'

let fx: Fixtures
let reference: Float32Array
const limits = { maxSeconds: 600 }

// [file, how to make it from speech.wav or stereo44.wav, format, codec, original rate, channels, min correlation]
const cases: Array<[string, () => void, string, string, number, number, number]> = [
  ['s16.wav', () => fx.sox('speech.wav', 's16.wav'), 'wav', 'pcm', 16000, 1, 0.999],
  ['u8.wav', () => fx.sox('speech.wav', '-b', '8', 'u8.wav'), 'wav', 'pcm', 16000, 1, 0.98],
  ['s24.wav', () => fx.sox('speech.wav', '-b', '24', 's24.wav'), 'wav', 'pcm', 16000, 1, 0.999],
  ['s32.wav', () => fx.sox('speech.wav', '-b', '32', 's32.wav'), 'wav', 'pcm', 16000, 1, 0.999],
  ['f32.wav', () => fx.sox('speech.wav', '-e', 'floating-point', '-b', '32', 'f32.wav'), 'wav', 'float', 16000, 1, 0.999],
  ['f64.wav', () => fx.sox('speech.wav', '-e', 'floating-point', '-b', '64', 'f64.wav'), 'wav', 'float', 16000, 1, 0.999],
  ['ext.wav', () => fx.ffmpeg('-i', 'stereo44.wav', '-c:a', 'pcm_s24le', '-rf64', 'never', '-write_bext', '0', 'ext.wav'), 'wav', 'pcm', 44100, 2, 0.99],
  ['tel8k.wav', () => fx.sox('speech.wav', '-r', '8000', 'tel8k.wav'), 'wav', 'pcm', 8000, 1, 0.9],
  ['ulaw8k.wav', () => fx.sox('speech.wav', '-r', '8000', '-e', 'u-law', 'ulaw8k.wav'), 'wav', 'ulaw', 8000, 1, 0.9],
  ['alaw.wav', () => fx.sox('speech.wav', '-e', 'a-law', 'alaw.wav'), 'wav', 'alaw', 16000, 1, 0.98],
  ['stereo44.wav', () => undefined, 'wav', 'pcm', 44100, 2, 0.99],
  ['rf64.wav', () => fx.ffmpeg('-i', 'stereo44.wav', '-rf64', 'always', 'rf64.wav'), 'wav', 'pcm_s16le', 44100, 2, 0.99],
  ['speech.flac', () => fx.ffmpeg('-i', 'stereo44.wav', 'speech.flac'), 'flac', 'flac', 44100, 2, 0.99],
  ['speech.mp3', () => fx.ffmpeg('-i', 'stereo44.wav', '-c:a', 'libmp3lame', '-b:a', '64k', 'speech.mp3'), 'mp3', 'mp3', 44100, 2, 0.95],
  ['speech.ogg', () => fx.ffmpeg('-i', 'stereo44.wav', '-c:a', 'libvorbis', 'speech.ogg'), 'ogg', 'vorbis', 44100, 2, 0.95],
  ['speech.opus', () => fx.ffmpeg('-i', 'stereo44.wav', '-c:a', 'libopus', '-b:a', '32k', 'speech.opus'), 'ogg', 'opus', 48000, 2, 0.9],
  ['speech.webm', () => fx.ffmpeg('-i', 'stereo44.wav', '-c:a', 'libopus', '-b:a', '32k', 'speech.webm'), 'webm', 'opus', 48000, 2, 0.9],
  ['speech.m4a', () => fx.ffmpeg('-i', 'stereo44.wav', '-c:a', 'aac', '-b:a', '96k', 'speech.m4a'), 'mp4', 'aac', 44100, 2, 0.95]
]

beforeAll(() => {
  fx = makeFixtures()
  reference = readPcm16(fx.read('speech.wav'))
  // A 44.1 kHz stereo master, as a phone or DAW would export, feeds the lossy encoders.
  fx.sox('speech.wav', '-r', '44100', '-c', '2', 'stereo44.wav')
  for (const [, make] of cases) make()
})
afterAll(() => fx.cleanup())

async function codeOf(input: Uint8Array, lim: { maxSeconds: number; minSeconds?: number; ffmpegPath?: string } = limits) {
  try {
    await decodeAudio(input, lim)
  } catch (err) {
    expect(err).toBeInstanceOf(AudioError)
    return { code: (err as AudioError).code, message: (err as AudioError).message, status: (err as AudioError).statusCode }
  }
  throw new Error('expected decodeAudio to fail')
}

function expectLikeReference(decoded: DecodedAudio, minCorrelation: number) {
  const expected = reference.length / 16000
  expect(decoded.sampleRate).toBe(16000)
  expect(Math.abs(decoded.info.duration - expected)).toBeLessThan(0.05)
  expect(Math.abs(decoded.samples.length / 16000 - expected)).toBeLessThan(0.05)
  expect(bestCorrelation(reference, decoded.samples)).toBeGreaterThan(minCorrelation)
  expect(rms(decoded.samples) / rms(reference)).toBeGreaterThan(0.85)
  expect(rms(decoded.samples) / rms(reference)).toBeLessThan(1.15)
}

describe('decodeAudio: every supported format gives the same 16 kHz mono speech', () => {
  it.each(cases)('%s', async (name, _make, format, codec, rate, channels, minCorrelation) => {
    const decoded = await decodeAudio(fx.read(name), limits)
    expect(decoded.info).toMatchObject({ format, codec, sampleRate: rate, channels, sizeBytes: fx.read(name).length })
    expectLikeReference(decoded, minCorrelation)
  })

  it('decodes an MP4 whose index sits after the audio (typical of phone recorders)', async () => {
    fx.sox('stereo44.wav', 'long.wav', 'repeat', '9')
    fx.ffmpeg('-i', 'long.wav', '-c:a', 'aac', 'moov-last.m4a')
    const bytes = fx.read('moov-last.m4a')
    expect(bytes.indexOf('moov')).toBeGreaterThan(bytes.indexOf('mdat'))
    const decoded = await decodeAudio(bytes, limits)
    expect(Math.abs(decoded.info.duration - (reference.length / 16000) * 10)).toBeLessThan(0.05)
  })

  it('accepts silence as audio', async () => {
    const silence = Buffer.concat([wavHeader({ sampleRate: 16000, channels: 1, bits: 16, dataBytes: 64000 }), Buffer.alloc(64000)])
    const decoded = await decodeAudio(silence, limits)
    expect(decoded.info.duration).toBe(2)
    expect(decoded.samples.every((v) => v === 0)).toBe(true)
  })

  it('reads a streaming WAV whose data size is still the 0xFFFFFFFF placeholder to its end', async () => {
    const pcm = fx.read('speech.wav').subarray(44)
    const streamed = Buffer.concat([wavHeader({ sampleRate: 16000, channels: 1, bits: 16, dataBytes: 0xffffffff }), pcm])
    expectLikeReference(await decodeAudio(streamed, limits), 0.999)
  })

  it('falls back to the in-process decoder for WebM when ffmpeg is missing', async () => {
    const decoded = await decodeAudio(fx.read('speech.webm'), { ...limits, ffmpegPath: '/nonexistent/ffmpeg' })
    expectLikeReference(decoded, 0.9)
  })
})

describe('decodeAudio: bad input gets an error the user can act on', () => {
  it('empty file', async () => {
    expect(await codeOf(new Uint8Array(0))).toMatchObject({ code: 'empty_file', status: 400, message: 'The file is 0 bytes: upload a recording.' })
  })

  it('random bytes', async () => {
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251)
    expect((await codeOf(random)).code).toBe('not_audio')
  })

  it('a PNG image, whatever its name', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)])
    expect(await codeOf(png)).toMatchObject({ code: 'not_audio', message: expect.stringContaining('PNG image, not audio') })
  })

  it('a JSON document', async () => {
    expect(await codeOf(Buffer.from('{"text": "hello"}'))).toMatchObject({ code: 'not_audio', message: expect.stringContaining('JSON') })
  })

  it.each([
    ['stereo44.wav', 0.5],
    ['speech.flac', 0.5],
    ['speech.mp3', 0.6],
    ['speech.ogg', 0.6],
    ['speech.m4a', 0.6]
  ])('truncated %s', async (name, keep) => {
    const bytes = fx.read(name)
    const result = await codeOf(bytes.subarray(0, Math.floor(bytes.length * keep)))
    expect(result.code).toBe('corrupt_audio')
    expect(result.message).toMatch(/damaged or incomplete/)
  })

  it('a WAV header claiming 4 GB of data neither allocates it nor hangs', async () => {
    const lying = Buffer.concat([wavHeader({ sampleRate: 48000, channels: 2, bits: 16, dataBytes: 0xfffffff0 }), Buffer.alloc(192000)])
    const before = process.memoryUsage().arrayBuffers
    const started = performance.now()
    const result = await codeOf(lying, { maxSeconds: 30 * 3600 })
    expect(result.code).toBe('corrupt_audio')
    expect(performance.now() - started).toBeLessThan(1000)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20 * 1024 * 1024)
  })

  it('a FLAC header claiming a huge sample count is rejected from the header', async () => {
    const flac = Buffer.from(fx.read('speech.flac'))
    // STREAMINFO: 36-bit total sample count in the low nibble of byte 21 and bytes 22-25.
    flac[21] |= 0x0f
    flac.fill(0xff, 22, 26)
    const started = performance.now()
    expect(await codeOf(flac, { maxSeconds: 3600 })).toMatchObject({ code: 'audio_too_long' })
    expect(performance.now() - started).toBeLessThan(200)
  })

  it('over-long audio names the length and the limit', async () => {
    const result = await codeOf(fx.read('speech.flac'), { maxSeconds: 2 })
    expect(result).toMatchObject({ code: 'audio_too_long', status: 400 })
    expect(result.message).toBe('Audio is 3.83 s long; the limit is 2 s (MAX_AUDIO_SECONDS). Split the recording or trim it.')
  })

  it('over-long audio without a duration in its header is stopped at the limit while decoding', async () => {
    // MediaRecorder-style WebM carries no duration; ffmpeg's output is cut at the cap.
    const result = await codeOf(fx.read('speech.webm'), { maxSeconds: 2 })
    expect(result).toMatchObject({ code: 'audio_too_long', message: expect.stringContaining('longer than 2 s') })
  })

  it('audio shorter than the minimum', async () => {
    const blip = Buffer.concat([wavHeader({ sampleRate: 16000, channels: 1, bits: 16, dataBytes: 800 }), Buffer.alloc(800, 1)])
    expect(await codeOf(blip)).toMatchObject({ code: 'audio_too_short', message: expect.stringContaining('0.03 s') })
    expect(await codeOf(fx.read('speech.wav'), { maxSeconds: 60, minSeconds: 5 })).toMatchObject({ code: 'audio_too_short' })
  })

  it('a WAV codec only ffmpeg knows names the install command when ffmpeg is missing', async () => {
    fx.ffmpeg('-i', 'speech.wav', '-c:a', 'adpcm_g726', '-ar', '8000', 'g726.wav')
    const decoded = await decodeAudio(fx.read('g726.wav'), limits)
    expect(Math.abs(decoded.info.duration - reference.length / 16000)).toBeLessThan(0.05)
    const result = await codeOf(fx.read('g726.wav'), { ...limits, ffmpegPath: '/nonexistent/ffmpeg' })
    expect(result).toMatchObject({ code: 'unsupported_codec', message: expect.stringContaining('apt-get install -y ffmpeg') })
  })
})
