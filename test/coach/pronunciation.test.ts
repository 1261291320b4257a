import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { assessPronunciation, prepareDecoder, SCORING_DECODER_ARGS, type ScoringDecoder } from '../../src/coach/pronunciation/assess.js'
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
    const swapped = assessPronunciation(decoder, pcm, SENTENCE.replace('fox', 'cat'), dictionary, lm)

    expect(read.words.map((w) => w.word)).toEqual(SENTENCE.toLowerCase().replace('.', '').split(' '))
    expect(read.words[3].phonemes.map((p) => p.phoneme)).toEqual(['F', 'AA', 'K', 'S'])
    expect(swapped.words[3].word).toBe('cat')
    expect(swapped.words[3].accuracy).toBeLessThan(read.words[3].accuracy - 15)
    expect(swapped.words[3].errorType).toBe('Mispronunciation')
    for (const key of ['accuracy', 'fluency', 'completeness', 'prosody', 'overall'] as const) {
      expect(read[key]).toBeGreaterThanOrEqual(0)
      expect(read[key]).toBeLessThanOrEqual(100)
    }
  }, 400_000)
})
