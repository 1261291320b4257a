import { toWav } from '../../src/audio/wav.js'

/** A 16 kHz mono 16-bit PCM WAV of a quiet tone: small, valid audio made in the test. */
export function toneWav(seconds: number, rate = 16_000): Buffer {
  const samples = new Int16Array(Math.round(seconds * rate))
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(800 * Math.sin((2 * Math.PI * 220 * i) / rate))
  return toWav(samples, rate)
}
