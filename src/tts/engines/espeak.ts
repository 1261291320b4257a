import { runProgram } from '../process.js'
import { pcmFromWav } from '../wav.js'
import type { Availability, TtsEngine } from '../types.js'

const INSTALL = 'apt-get install -y espeak-ng'
/** Accents espeak-ng ships for English; `+f3` is its female variant. */
export const ESPEAK_VOICES = ['en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp', 'en-us+f3', 'en-gb+f3'] as const
const WORDS_PER_MINUTE = 175
const MIN_WPM = 80
const MAX_WPM = 450

export interface EspeakOptions {
  command?: string
}

/**
 * eSpeak NG from Debian: robotic but tiny and fast. Text goes in on stdin and the WAV comes back on
 * stdout. Speed is its words-per-minute rate inside the range it supports; beyond it the encoder stretches.
 */
export function createEspeakEngine(opts: EspeakOptions = {}): TtsEngine {
  const command = opts.command ?? 'espeak-ng'
  let availability: Promise<Availability> | undefined

  async function probe(): Promise<Availability> {
    try {
      await runProgram(command, ['--version'], { signal: AbortSignal.timeout(10_000), installHint: INSTALL })
      return { ok: true }
    } catch (err) {
      return { ok: false, reason: (err as Error).message }
    }
  }

  return {
    name: 'espeak-ng',
    kind: 'offline',
    voices: ESPEAK_VOICES,
    defaultVoice: 'en-us',
    available: () => (availability ??= probe()),
    async synthesize({ text, voice, speed, signal }) {
      const wpm = Math.round(WORDS_PER_MINUTE * speed)
      const native = wpm >= MIN_WPM && wpm <= MAX_WPM
      const wav = await runProgram(command, ['--stdout', '-v', voice, '-s', String(native ? wpm : WORDS_PER_MINUTE)], {
        stdin: text,
        signal,
        installHint: INSTALL
      })
      return { ...pcmFromWav(wav), speedApplied: native }
    },
    close: async () => {}
  }
}
