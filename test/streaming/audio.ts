import { execFile } from 'node:child_process'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { concatWavs, makeNoise, speechDir, synthesize, type Voice } from '../fixtures/speech.js'

const run = promisify(execFile)

export const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z' ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)

/** Raw headerless audio as a client would stream it: PCM16 LE mono at `rate`, or μ-law 8 kHz. */
export async function rawAudio(wav: string, encoding: 'pcm16' | 'mulaw', rate: number): Promise<Buffer> {
  await mkdir(speechDir, { recursive: true })
  const out = join(speechDir, `${wav.split('/').pop()}.${encoding}.${rate}.raw`)
  const enc = encoding === 'mulaw' ? ['-e', 'mu-law', '-b', '8'] : ['-e', 'signed-integer', '-b', '16', '-L']
  await run('sox', [wav, '-r', String(rate), '-c', '1', ...enc, '-t', 'raw', out])
  return readFile(out)
}

/** Two sentences by one voice with a pause between them that any endpointer should cut at. */
export async function twoUtterances(a: string, b: string, voice: Voice = 'slt'): Promise<string> {
  const first = await synthesize(a, { voice, padStart: 0.4, padEnd: 0.2 })
  const second = await synthesize(b, { voice, padStart: 0.2, padEnd: 0.8 })
  const pause = await makeNoise(1.2)
  return concatWavs(
    [first, pause, second],
    `two-${voice}-${Buffer.from(a + b)
      .toString('base64url')
      .slice(0, 24)}`
  )
}

/** Splits audio into chunks of `ms` milliseconds. */
export function chunks(audio: Buffer, bytesPerSecond: number, ms = 20): Buffer[] {
  const size = Math.max(2, Math.round((bytesPerSecond * ms) / 1000 / 2) * 2)
  const out: Buffer[] = []
  for (let i = 0; i < audio.length; i += size) out.push(audio.subarray(i, i + size))
  return out
}
