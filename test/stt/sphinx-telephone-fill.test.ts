import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { synthesize, type Voice } from '../fixtures/speech.js'
import { decodeAudio } from '../../src/audio/index.js'
import { createSphinxEngine } from '../../src/stt/sphinx/index.js'
import { DEFAULT_FILLED_MLLR, loadBandEnvelope } from '../../src/stt/sphinx/telephone.js'
import type { PcmAudio, SttEngine } from '../../src/stt/types.js'
import { wordErrors } from '../../src/stt/wer.js'

const run = promisify(execFile)

const SENTENCES = [
  'Could you confirm the email address on your account, please?',
  'Please hold the line for a moment while I transfer you to the billing team.'
]
const VOICES: Voice[] = ['rms', 'awb', 'slt']
const SLOW = 300_000

/** A phone line as the dev set's: 300-3400 Hz, 8 kHz, G.711 mu-law, decoded as an upload is. */
async function overPhone(path: string): Promise<PcmAudio> {
  // A name of its own: other test files make phone versions of the same cached speech in place.
  const phone = path.replace(/\.wav$/, '-phone-line-fill.wav')
  await run('sox', ['-V1', path, '-r', '8000', '-e', 'mu-law', phone, 'sinc', '300-3400'])
  const decoded = await decodeAudio(new Uint8Array(await readFile(phone)), { maxSeconds: 60 })
  return { samples: decoded.samples, sampleRate: 16000 }
}

describe('sphinx engine, band fill of phone-line uploads', () => {
  let filling: SttEngine
  let byDefault: SttEngine
  let clips: Array<{ text: string; audio: PcmAudio }>

  beforeAll(async () => {
    filling = createSphinxEngine({ poolSize: 1, telephoneBandFill: { envelope: loadBandEnvelope(), mllr: DEFAULT_FILLED_MLLR } })
    byDefault = createSphinxEngine({ poolSize: 1 })
    const status = await filling.available()
    expect(status, status.reason).toEqual({ ok: true })
    clips = await Promise.all(
      VOICES.flatMap((voice) =>
        SENTENCES.map(async (text) => ({ text, audio: await overPhone(await synthesize(text, { voice, padStart: 0.3, padEnd: 0.5 })) }))
      )
    )
  }, SLOW)

  afterAll(async () => {
    await filling?.close()
    await byDefault?.close()
  })

  it(
    'fills a phone-line upload when asked and decodes it with the transform fitted on filled audio',
    async () => {
      const heard = async (engine: SttEngine) => {
        const texts: string[] = []
        for (const c of clips) texts.push((await engine.transcribe(c.audio)).text)
        return texts
      }
      const filled = await heard(filling)
      const plain = await heard(byDefault)
      // The fill changes what the decoder hears (the default engine does not fill): some transcript differs.
      expect(filled, plain.join(' | ')).not.toEqual(plain)
      const errors = clips.reduce((n, c, i) => n + wordErrors(c.text, filled[i]).errors, 0)
      const words = clips.reduce((n, c) => n + wordErrors(c.text, c.text).refWords, 0)
      expect(errors / words, filled.join(' | ')).toBeLessThanOrEqual(0.3)
      // The same upload gives the same transcript: the fill's noise is drawn from a fixed seed.
      expect((await filling.transcribe(clips[0].audio)).text).toBe(filled[0])
    },
    SLOW
  )

  it(
    "leaves a phone-line recording unfilled when told (as a live stream's final is), and never fills a wideband upload",
    async () => {
      const stages: string[] = []
      const observe = (stage: string) => stages.push(stage)
      for (const c of clips.slice(0, 2)) {
        const unfilled = await filling.transcribe(c.audio, { bandFill: false, observe })
        expect(unfilled.text).toBe((await byDefault.transcribe(c.audio)).text)
      }
      expect(stages).not.toContain('band-fill')
      await filling.transcribe(clips[0].audio, { observe })
      expect(stages.filter((s) => s === 'band-fill')).toHaveLength(1)
      const path = await synthesize(SENTENCES[0], { voice: 'slt', padStart: 0.3, padEnd: 0.5 })
      const wide = await decodeAudio(new Uint8Array(await readFile(path)), { maxSeconds: 60 })
      await filling.transcribe({ samples: wide.samples, sampleRate: 16000 }, { observe })
      expect(stages.filter((s) => s === 'band-fill')).toHaveLength(1)
    },
    SLOW
  )
})
