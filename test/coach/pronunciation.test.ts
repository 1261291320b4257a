import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { assessPronunciation } from '../../src/coach/pronunciation/assess.js'
import { prepareDecoder, SCORING_DECODER_ARGS, type ScoringDecoder } from '../../src/coach/pronunciation/gop.js'
import { loadPronunciations } from '../../src/coach/pronunciation/dictionary.js'
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
    const read = assessPronunciation(decoder, pcm, SENTENCE, dictionary, lm)
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
      const swapped = assessPronunciation(decoder, pcm, SENTENCE.replace(said, expected), dictionary, lm)
      expect(swapped.words[index].word).toBe(expected)
      expect(swapped.words[index].accuracy).toBeLessThan(read.words[index].accuracy - 15)
      expect(swapped.words[index].errorType).toBe('Mispronunciation')
      expect(swapped.accuracy).toBeLessThan(read.accuracy)
    }
    for (const key of ['accuracy', 'fluency', 'completeness', 'prosody', 'overall'] as const) {
      expect(read[key]).toBeGreaterThanOrEqual(0)
      expect(read[key]).toBeLessThanOrEqual(100)
    }
  }, 120_000)
})
