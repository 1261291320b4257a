import { PHONES, VOWELS, referenceWords } from './dictionary.js'
import { pitchRangeSemitones, trackPitch } from './pitch.js'
import type { PronunciationAssessment, WordAssessment } from './types.js'

/** The addon's decoder as scoring uses it (src/stt/sphinx/native.ts loads it). */
export interface ScoringDecoder {
  start(): void
  process(samples: Int16Array | Float32Array, fullUtt?: boolean): string
  end(): unknown
  segments(): { word: string; start: number; end: number; ascr: number }[]
  useGrammar(jsgf: string): void
  usePhoneLoop(lmPath: string): void
  addWord(word: string, phones: string): boolean
}

/** Extra decoder arguments: forced alignment must never lose the path, so beams are wide open. */
export const SCORING_DECODER_ARGS = ['-remove_silence', 'no', '-beam', '1e-100', '-pbeam', '1e-100', '-wbeam', '1e-80']

// Acoustic scores come in the model's log base 1.0001, scaled down by 2^10 in the search.
const SCORE_TO_NATURAL_LOG = Math.log(1.0001) * 1024
const FRAME_S = 0.01
// Per-frame GOP (nats) mapped to 0-100 by a logistic: GOP_MID scores 50. Not calibrated: on flite slt a
// correctly read sentence averaged -2.6 nats a frame and espeak-ng's robotic reading -1.2, so the sentence
// score does not yet separate good from poor speech; only a substituted word drops clearly (60 -> 28).
const GOP_MID = -2.5
const GOP_SCALE = 0.6
const MISPRONOUNCED_BELOW = 60
const OMITTED_BELOW = 15
const UNEXPECTED_BREAK_S = 0.35
const MISSING_BREAK_S = 0.05
const MONOTONE_SEMITONES = 1.2

const clamp01 = (x: number) => Math.min(1, Math.max(0, x))
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)
const round = (x: number) => Math.round(x * 10) / 10
const gopScore = (gop: number) => 100 / (1 + Math.exp(-(gop - GOP_MID) / GOP_SCALE))

export function prepareDecoder(decoder: ScoringDecoder): void {
  for (const p of PHONES) decoder.addWord(p, p)
}

function decode(decoder: ScoringDecoder, pcm: Int16Array) {
  decoder.start()
  decoder.process(pcm, true)
  decoder.end()
  return decoder.segments()
}

/**
 * Goodness of pronunciation of a reading of `reference`: the audio is force-aligned to the expected phones
 * and decoded again as a free phone loop; a phone whose aligned score falls far below what the free loop
 * finds over the same frames was not said as expected.
 */
export function assessPronunciation(
  decoder: ScoringDecoder,
  pcm: Int16Array,
  reference: string,
  dictionary: Map<string, string[]>,
  phoneLm: string
): PronunciationAssessment {
  const ref = referenceWords(reference)
  const unscored = ref.filter((w) => !dictionary.has(w.word)).map((w) => w.word)
  const words = ref.filter((w) => dictionary.has(w.word))
  if (words.length === 0) throw new Error('the reference text has no word the pronunciation dictionary knows')

  decoder.usePhoneLoop(phoneLm)
  const loop = decode(decoder, pcm)
  const frames = Math.max(0, ...loop.map((s) => s.end))
  const loopPerFrame = new Float64Array(frames + 1)
  for (const s of loop) for (let f = s.start; f < s.end; f++) loopPerFrame[f] = s.ascr / (s.end - s.start)

  const phones = words.flatMap((w) => dictionary.get(w.word)!)
  decoder.useGrammar(`#JSGF V1.0;\ngrammar reading;\npublic <reading> = ${phones.join(' ')};`)
  const aligned = decode(decoder, pcm).filter((s) => PHONES.includes(s.word as (typeof PHONES)[number]) || s.word === '<sil>')
  if (aligned.filter((s) => s.word !== '<sil>').length !== phones.length) throw new Error('forced alignment failed for this audio and text')

  const result: WordAssessment[] = []
  const vowelDurations: number[] = []
  let k = 0
  let silence = 0
  let speechFrames = 0
  let gopSum = 0
  for (const w of words) {
    const n = dictionary.get(w.word)!.length
    const wordPhones = []
    let pauseBefore = 0
    while (k < aligned.length && wordPhones.length < n) {
      const s = aligned[k++]
      if (s.word === '<sil>') {
        if (wordPhones.length === 0) pauseBefore += (s.end - s.start) * FRAME_S
        continue
      }
      let free = 0
      for (let f = s.start; f < s.end; f++) free += loopPerFrame[f] ?? 0
      const len = s.end - s.start
      const gop = ((s.ascr - free) * SCORE_TO_NATURAL_LOG) / len
      gopSum += gop * len
      speechFrames += len
      if (VOWELS.has(s.word)) vowelDurations.push(len)
      wordPhones.push({ phoneme: s.word, accuracy: round(gopScore(gop)), start: s.start * FRAME_S, end: s.end * FRAME_S, frames: len })
    }
    if (result.length > 0) silence += pauseBefore
    const accuracy = round(mean(wordPhones.map((p) => p.accuracy)))
    const minimal = wordPhones.every((p) => p.frames <= 3)
    result.push({
      word: w.word,
      accuracy,
      errorType: accuracy < OMITTED_BELOW && minimal ? 'Omission' : accuracy < MISPRONOUNCED_BELOW ? 'Mispronunciation' : 'None',
      start: wordPhones[0].start,
      end: wordPhones[wordPhones.length - 1].end,
      pauseBefore: round(pauseBefore * 100) / 100,
      phonemes: wordPhones.map(({ frames: _, ...p }) => p)
    })
  }

  // Breaks are judged against the punctuation of the reference.
  for (let i = 1; i < result.length; i++) {
    if (result[i].errorType !== 'None') continue
    const expected = words[i - 1].breakAfter
    if (!expected && result[i].pauseBefore > UNEXPECTED_BREAK_S) result[i].errorType = 'UnexpectedBreak'
    else if (expected && result[i].pauseBefore < MISSING_BREAK_S) result[i].errorType = 'MissingBreak'
  }

  const samples = Float32Array.from(pcm, (v) => v / 32768)
  const pitchRange = pitchRangeSemitones(trackPitch(samples))
  if (pitchRange < MONOTONE_SEMITONES && result.length >= 5) for (const w of result) if (w.errorType === 'None') w.errorType = 'Monotone'

  const spoken = result.filter((w) => w.errorType !== 'Omission')
  const speechS = speechFrames * FRAME_S
  const phonesPerSecond = speechS > 0 ? phones.length / speechS : 0
  const speechRatio = speechS / Math.max(1e-6, speechS + silence)
  const npvi = vowelNpvi(vowelDurations)
  const unexpectedBreaks = result.filter((w) => w.errorType === 'UnexpectedBreak').length

  const accuracy = mean(spoken.map((w) => w.accuracy))
  // A natural reading pace is roughly 9-15 phones a second; pauses beyond punctuation cost fluency.
  const pace = clamp01(1 - Math.max(0, 8 - phonesPerSecond, phonesPerSecond - 16) / 6)
  const fluency = 100 * clamp01((speechRatio - 0.5) / 0.4) * pace
  const completeness = (100 * spoken.length) / result.length
  const intonation = clamp01((pitchRange - 0.5) / 2)
  const rhythm = clamp01((npvi - 25) / 30)
  const breaks = clamp01(1 - unexpectedBreaks / Math.max(1, result.length / 4))
  const prosody = 100 * mean([intonation, rhythm, pace, breaks])
  const overall = 0.4 * accuracy + 0.2 * fluency + 0.2 * completeness + 0.2 * prosody
  return {
    accuracy: round(accuracy),
    fluency: round(fluency),
    completeness: round(completeness),
    prosody: round(prosody),
    overall: round(overall),
    words: result,
    unscored,
    measures: {
      meanGop: speechFrames ? Math.round((gopSum / speechFrames) * 1000) / 1000 : 0,
      pitchRangeSemitones: round(pitchRange * 10) / 10,
      phonesPerSecond: round(phonesPerSecond),
      speechRatio: Math.round(speechRatio * 1000) / 1000,
      vowelNpvi: round(npvi)
    }
  }
}

/** Normalised pairwise variability index of successive vowel durations. */
function vowelNpvi(durations: number[]): number {
  if (durations.length < 2) return 0
  let sum = 0
  for (let i = 1; i < durations.length; i++) sum += Math.abs(durations[i] - durations[i - 1]) / ((durations[i] + durations[i - 1]) / 2)
  return (100 * sum) / (durations.length - 1)
}
