import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { assessPronunciation } from '../../src/coach/pronunciation/assess.js'
import { prepareDecoder, SCORING_DECODER_ARGS, type ScoringDecoder } from '../../src/coach/pronunciation/gop.js'
import { loadPronunciations, loadPronunciationVariants } from '../../src/coach/pronunciation/dictionary.js'
import { toWav } from '../../src/audio/wav.js'
import { assessAnswer, scoringEngine } from '../../src/coach/pronunciation/session.js'
import { analyseAnswers } from '../../src/coach/analyse.js'
import { DEFAULT_MODEL_DIR, decoderArgs, loadAddon } from '../../src/stt/sphinx/native.js'
import { synthesize } from '../fixtures/speech.js'

const { addon } = loadAddon()
const SENTENCE = 'The quick brown fox jumps over the lazy dog near the river bank.'

function pcmOf(wav: string): Int16Array {
  const bytes = readFileSync(wav)
  const data = bytes.subarray(44)
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
}

describe.skipIf(!addon)('goodness of pronunciation', () => {
  it('scores a word the speaker did not say below the word they did say', async () => {
    const decoder = new addon!.Decoder(decoderArgs({}, SCORING_DECODER_ARGS)) as unknown as ScoringDecoder
    prepareDecoder(decoder)
    const dictionary = loadPronunciations(`${DEFAULT_MODEL_DIR}/cmudict-en-us.dict`)
    const lm = `${DEFAULT_MODEL_DIR}/en-us-phone.lm.bin`
    const pcm = pcmOf(await synthesize(SENTENCE, { voice: 'slt' }))
    const variants = loadPronunciationVariants(`${DEFAULT_MODEL_DIR}/cmudict-en-us.dict`)
    const read = assessPronunciation(decoder, pcm, SENTENCE, dictionary, lm, variants)
    // Read as written, no word is flagged as mispronounced.
    expect(read.words.filter((w) => w.errorType === 'Mispronunciation' || w.errorType === 'Omission').map((w) => w.word)).toEqual([])
    expect(read.words.map((w) => w.word)).toEqual(SENTENCE.toLowerCase().replace('.', '').split(' '))
    expect(read.words[3].phonemes.map((p) => p.phoneme)).toEqual(['F', 'AA', 'K', 'S'])

    // Each time the reference names a word the speaker did not say, that word drops and is flagged. A single
    // confusable phone is not asserted: on real speech it separates poorly (scripts/pronunciation-eval.ts).
    for (const [index, said, expected] of [
      [1, 'quick', 'slow'],
      [3, 'fox', 'cat'],
      [4, 'jumps', 'sings'],
      [7, 'lazy', 'happy'],
      [12, 'bank', 'hill']
    ] as const) {
      const swapped = assessPronunciation(decoder, pcm, SENTENCE.replace(said, expected), dictionary, lm, variants)
      expect(swapped.words[index].word).toBe(expected)
      expect(swapped.words[index].accuracy).toBeLessThan(read.words[index].accuracy - 15)
      expect(swapped.words[index].errorType).toBe('Mispronunciation')
      expect(swapped.accuracy).toBeLessThan(read.accuracy)
      // The words around it, said as written, stay unflagged.
      const others = swapped.words.filter((_, i) => i !== index && Math.abs(i - index) > 1)
      expect(others.filter((w) => w.errorType === 'Mispronunciation').map((w) => w.word)).toEqual([])
    }
    for (const key of ['accuracy', 'fluency', 'completeness', 'prosody', 'overall'] as const) {
      expect(read[key]).toBeGreaterThanOrEqual(0)
      expect(read[key]).toBeLessThanOrEqual(100)
    }
  }, 120_000)
})

describe('pronunciation in the deep analysis', () => {
  const text = 'I like playing football with my friends.'

  it('says per answer why it was not assessed, and the analysis still completes', async () => {
    const noChecker = { check: async () => [] }
    const engine = addon ? scoringEngine() : new Error('no addon')
    const wav = toWav(new Int16Array(16000), 16000)
    const answers = [1, 2, 3, 4].map((seq) => ({ seq, part: 1 as const, text, words: [] }))
    const analysis = await analyseAnswers(answers, noChecker, null, () => [
      assessAnswer(engine, { seq: 1, text, missing: 'No recording of this answer was kept.' }),
      assessAnswer(new Error('the PocketSphinx addon is not installed'), { seq: 2, text, wav }),
      assessAnswer(engine, { seq: 3, text, wav: new Uint8Array([1, 2, 3, 4]) }),
      assessAnswer(engine, { seq: 4, text: 'zzqx', wav })
    ])
    const p = analysis.pronunciation
    expect(p.status).toBe('not_assessed')
    expect(p.answers.map((a) => [a.seq, a.status])).toEqual([
      [1, 'no_audio'],
      [2, 'engine_unavailable'],
      [3, addon ? 'failed' : 'engine_unavailable'],
      [4, addon ? 'failed' : 'engine_unavailable']
    ])
    expect(p.answers[1].reason).toMatch(/could not load: the PocketSphinx addon is not installed/)
    if (addon) {
      expect(p.answers[2].reason).toMatch(/not a WAV file/)
      expect(p.answers[3].reason).toMatch(/no word the pronunciation dictionary knows/)
    }
    expect(p.scores).toBeUndefined()
    expect(p.reason).toMatch(/No answer could be assessed/)
    // Without GOP the band rests on the recogniser measures and says so.
    expect(analysis.criteria[3].measures.map((m) => m.feature)).not.toContain('gopAccuracy')
  })
})
