/**
 * Test recordings made on the spot: one spoken sentence from flite, converted with sox and ffmpeg.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const SENTENCE = 'The quick brown fox jumps over the lazy dog near the river bank.'

export interface Fixtures {
  dir: string
  path: (name: string) => string
  read: (name: string) => Buffer
  sox: (...args: string[]) => void
  ffmpeg: (...args: string[]) => void
  cleanup: () => void
}

export function makeFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'voxlens-audio-test-'))
  const path = (name: string) => join(dir, name)
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  const fixtures: Fixtures = {
    dir,
    path,
    read: (name) => readFileSync(path(name)),
    sox: (...args) => run('sox', args),
    ffmpeg: (...args) => run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]),
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
  // flite's slt voice speaks at 16 kHz mono, 16-bit: this file is the reference signal.
  run('flite', ['-voice', 'slt', '-t', SENTENCE, '-o', 'speech.wav'])
  return fixtures
}

/** 16-bit mono PCM samples of a plain 44-byte-header WAV, as float. */
export function readPcm16(wav: Buffer): Float32Array {
  const dataAt = wav.indexOf('data') + 8
  const count = Math.floor((wav.length - dataAt) / 2)
  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) out[i] = wav.readInt16LE(dataAt + 2 * i) / 32768
  return out
}

/** A canonical WAV header; dataBytes may lie about the data that follows. */
export function wavHeader(opts: { sampleRate: number; channels: number; bits: number; dataBytes: number; format?: number }): Buffer {
  const { sampleRate, channels, bits, dataBytes, format = 1 } = opts
  const h = Buffer.alloc(44)
  h.write('RIFF', 0)
  h.writeUInt32LE(Math.min(0xffffffff, dataBytes + 36), 4)
  h.write('WAVEfmt ', 8)
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(format, 20)
  h.writeUInt16LE(channels, 22)
  h.writeUInt32LE(sampleRate, 24)
  h.writeUInt32LE((sampleRate * channels * bits) / 8, 28)
  h.writeUInt16LE((channels * bits) / 8, 32)
  h.writeUInt16LE(bits, 34)
  h.write('data', 36)
  h.writeUInt32LE(dataBytes, 40)
  return h
}

export function rms(x: Float32Array): number {
  let sum = 0
  for (const v of x) sum += v * v
  return Math.sqrt(sum / Math.max(1, x.length))
}

/** Best normalised cross-correlation of a and b within +-maxLag samples (codecs add small delays). */
export function bestCorrelation(a: Float32Array, b: Float32Array, maxLag = 480): number {
  const n = Math.min(a.length, b.length)
  let best = -1
  for (let lag = -maxLag; lag <= maxLag; lag += 1) {
    let ab = 0
    let aa = 0
    let bb = 0
    for (let i = Math.max(0, -lag); i < n && i + lag < n; i++) {
      const x = a[i]
      const y = b[i + lag]
      ab += x * y
      aa += x * x
      bb += y * y
    }
    best = Math.max(best, ab / Math.sqrt(aa * bb + 1e-20))
  }
  return best
}

/** Amplitude of the component at frequency f (Hz), measured over the middle of the signal. */
export function toneAmplitude(x: Float32Array, f: number, rate: number): number {
  const start = Math.floor(x.length * 0.2)
  const end = Math.floor(x.length * 0.8)
  let re = 0
  let im = 0
  for (let i = start; i < end; i++) {
    re += x[i] * Math.cos((2 * Math.PI * f * i) / rate)
    im += x[i] * Math.sin((2 * Math.PI * f * i) / rate)
  }
  return (2 * Math.hypot(re, im)) / (end - start)
}

export function tone(f: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds))
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * f * i) / rate)
  return x
}
