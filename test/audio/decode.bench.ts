/**
 * Decode speed per format (x real time) and peak memory of a 30-minute 44.1 kHz stereo WAV.
 * Run: npx tsx --expose-gc test/audio/decode.bench.ts   (not part of the unit tests: timings vary by machine)
 */
import { readFileSync } from 'node:fs'
import { decodeAudio } from '../../src/audio/index.js'
import { makeFixtures } from './fixtures.js'

const fx = makeFixtures()
try {
  // Two minutes of speech, 44.1 kHz stereo, in every format.
  fx.sox('speech.wav', '-r', '44100', '-c', '2', 'master.wav', 'repeat', '31')
  const formats: Array<[string, string[]]> = [
    ['wav', ['-c:a', 'pcm_s16le']],
    ['flac', []],
    ['mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']],
    ['ogg', ['-c:a', 'libvorbis']],
    ['opus', ['-c:a', 'libopus']],
    ['webm', ['-c:a', 'libopus']],
    ['m4a', ['-c:a', 'aac']]
  ]
  for (const [ext, args] of formats) {
    fx.ffmpeg('-i', 'master.wav', ...args, `bench.${ext}`)
    const bytes = readFileSync(fx.path(`bench.${ext}`))
    await decodeAudio(bytes, { maxSeconds: 3600 }) // warm-up: loads WASM decoders
    const started = performance.now()
    const { info } = await decodeAudio(bytes, { maxSeconds: 3600 })
    const seconds = (performance.now() - started) / 1000
    console.log(
      `${ext.padEnd(5)} ${info.duration.toFixed(1)} s of audio in ${(seconds * 1000).toFixed(0)} ms: ${(info.duration / seconds).toFixed(0)}x real time`
    )
  }

  // 30 minutes of 44.1 kHz stereo 16-bit PCM, built in memory (317 MB).
  const gc = (globalThis as { gc?: () => void }).gc
  const seconds = 30 * 60
  const frames = 44100 * seconds
  const wav = Buffer.alloc(44 + frames * 4)
  wav.write('RIFF', 0)
  wav.writeUInt32LE(36 + frames * 4, 4)
  wav.write('WAVEfmt ', 8)
  wav.writeUInt32LE(16, 16)
  wav.writeUInt16LE(1, 20)
  wav.writeUInt16LE(2, 22)
  wav.writeUInt32LE(44100, 24)
  wav.writeUInt32LE(44100 * 4, 28)
  wav.writeUInt16LE(4, 32)
  wav.writeUInt16LE(16, 34)
  wav.write('data', 36)
  wav.writeUInt32LE(frames * 4, 40)
  const samples = new Int16Array(wav.buffer, wav.byteOffset + 44, frames * 2)
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin(i * 0.0213))
  gc?.()
  const base = process.memoryUsage()
  let peakArrays = 0
  let peakRss = 0
  const sample = setInterval(() => {
    const m = process.memoryUsage()
    peakArrays = Math.max(peakArrays, m.arrayBuffers)
    peakRss = Math.max(peakRss, m.rss)
  }, 5)
  const started = performance.now()
  const decoded = await decodeAudio(wav, { maxSeconds: 3600 })
  const elapsed = (performance.now() - started) / 1000
  clearInterval(sample)
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`
  console.log(
    `30 min 44.1 kHz stereo WAV (${mb(wav.length)}) -> ${mb(decoded.samples.byteLength)} at 16 kHz in ${elapsed.toFixed(1)} s ` +
      `(${(seconds / elapsed).toFixed(0)}x real time); arrayBuffers ${mb(base.arrayBuffers)} before, peak ${mb(peakArrays)} ` +
      `(+${mb(peakArrays - base.arrayBuffers)}); rss peak ${mb(peakRss)} (+${mb(peakRss - base.rss)})`
  )
} finally {
  fx.cleanup()
}
