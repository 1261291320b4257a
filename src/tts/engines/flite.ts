import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runProgram } from '../process.js'
import { pcmFromWav } from '../wav.js'
import type { Availability, TtsEngine } from '../types.js'

const INSTALL = 'apt-get install -y flite'
/** slt is a clear US female voice; rms (US) and awb (Scottish) are male; kal is the older, robotic diphone voice. */
export const FLITE_VOICES = ['slt', 'rms', 'awb', 'kal'] as const

export interface FliteOptions {
  /** default `flite` on PATH */
  command?: string
}

/**
 * Festival-lite from Debian. It writes its WAV to a file (not a pipe) and reads text from a file, so
 * text starting with a dash or holding any character reaches it unchanged. Speed is its own duration
 * stretch, which keeps pitch and sounds better than stretching afterwards.
 */
export function createFliteEngine(opts: FliteOptions = {}): TtsEngine {
  const command = opts.command ?? 'flite'
  let availability: Promise<Availability> | undefined

  async function probe(): Promise<Availability> {
    try {
      const listed = (await runProgram(command, ['-lv'], { signal: AbortSignal.timeout(10_000), installHint: INSTALL })).toString()
      const missing = FLITE_VOICES.filter((v) => !new RegExp(`\\b${v}\\b`).test(listed))
      return missing.length ? { ok: false, reason: `flite lacks the voices ${missing.join(', ')}: ${INSTALL}` } : { ok: true }
    } catch (err) {
      return { ok: false, reason: (err as Error).message }
    }
  }

  return {
    name: 'flite',
    kind: 'offline',
    voices: FLITE_VOICES,
    defaultVoice: 'slt',
    available: () => (availability ??= probe()),
    async synthesize({ text, voice, speed, signal }) {
      const dir = await mkdtemp(join(tmpdir(), 'voxlens-flite-'))
      try {
        const input = join(dir, 'input.txt')
        const output = join(dir, 'speech.wav')
        await writeFile(input, text)
        const stretch = (1 / speed).toFixed(4)
        await runProgram(command, ['-voice', voice, '--setf', `duration_stretch=${stretch}`, '-f', input, '-o', output], { signal, installHint: INSTALL })
        return { ...pcmFromWav(await readFile(output)), speedApplied: true }
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
    close: async () => {}
  }
}
