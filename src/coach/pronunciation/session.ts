import { resample } from '../../audio/resample.js'
import { DEFAULT_MODEL_DIR, decoderArgs, loadAddon } from '../../stt/sphinx/native.js'
import { assessPronunciation, MISPRONOUNCED_BELOW } from './assess.js'
import { loadPronunciations, loadPronunciationVariants } from './dictionary.js'
import { prepareDecoder, SCORING_DECODER_ARGS, type ScoringDecoder } from './gop.js'
import type { PronunciationAssessment, WordErrorType } from './types.js'

/** What the scoring engine needs: a wide-beam decoder, the pronunciation dictionary and the phone language model. */
export interface ScoringEngine {
  decoder: ScoringDecoder
  dictionary: Map<string, string[]>
  /** every pronunciation of each word, so a reduced or regional form is not scored as a mistake */
  variants: Map<string, string[][]>
  phoneLm: string
}

/** Per answer: scored, or why not. A failed answer never fails the session's analysis. */
export type AnswerPronunciationStatus = 'assessed' | 'no_audio' | 'engine_unavailable' | 'failed'

export interface PronunciationWord {
  word: string
  accuracy: number
  error_type: WordErrorType
  start: number
  end: number
  phonemes: Array<{ phoneme: string; accuracy: number }>
}

export interface PronunciationScores {
  accuracy: number
  fluency: number
  completeness: number
  prosody: number
  overall: number
}

export interface AnswerPronunciation {
  seq: number
  status: AnswerPronunciationStatus
  reason?: string
  scores?: PronunciationScores
  words?: PronunciationWord[]
  /** words of the transcript the dictionary has no pronunciation for */
  unscored?: string[]
  measures?: PronunciationAssessment['measures']
}

/** An answer's recorded audio: a WAV file (PCM16 mono, any rate) as kept in blob storage. */
export interface AnswerAudio {
  seq: number
  text: string
  wav?: Uint8Array
  /** why there is no audio, when there is none */
  missing?: string
}

/** Blob key of a learner answer's recording. */
export const answerAudioKey = (sessionId: string, seq: number) => `coach-audio/${sessionId}/${seq}.wav`

/** PCM16 mono WAV -> 16 kHz samples for the decoder. */
export function wavTo16k(wav: Uint8Array): Int16Array {
  const b = Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength)
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error('the stored answer audio is not a WAV file')
  let rate = 16000
  let channels = 1
  let bits = 16
  for (let o = 12; o + 8 <= b.length;) {
    const id = b.toString('ascii', o, o + 4)
    const size = b.readUInt32LE(o + 4)
    if (id === 'fmt ') {
      channels = b.readUInt16LE(o + 10)
      rate = b.readUInt32LE(o + 12)
      bits = b.readUInt16LE(o + 22)
    } else if (id === 'data') {
      if (channels !== 1 || bits !== 16) throw new Error(`the stored answer audio is ${channels} channel(s) of ${bits} bits, not PCM16 mono`)
      const end = Math.min(b.length, o + 8 + size)
      const pcm = new Int16Array(b.buffer.slice(b.byteOffset + o + 8, b.byteOffset + o + 8 + ((end - o - 8) & ~1)))
      if (rate === 16000) return pcm
      const f = resample(
        Float32Array.from(pcm, (v) => v / 32768),
        rate,
        16000
      )
      return Int16Array.from(f, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))))
    }
    o += 8 + size + (size & 1)
  }
  throw new Error('the stored answer audio has no data')
}

let engine: ScoringEngine | Error | undefined

/** The thread's scoring engine, loaded on first use (about 100 MB, a second or so); an Error when it cannot load. */
export function scoringEngine(modelDir = DEFAULT_MODEL_DIR): ScoringEngine | Error {
  if (engine) return engine
  try {
    const { addon, error } = loadAddon()
    if (!addon) throw error ?? new Error('the PocketSphinx addon is not installed')
    const decoder = new addon.Decoder(decoderArgs({ modelDir }, SCORING_DECODER_ARGS)) as unknown as ScoringDecoder
    prepareDecoder(decoder)
    const dict = `${modelDir}/cmudict-en-us.dict`
    engine = { decoder, dictionary: loadPronunciations(dict), variants: loadPronunciationVariants(dict), phoneLm: `${modelDir}/en-us-phone.lm.bin` }
  } catch (err) {
    engine = err instanceof Error ? err : new Error(String(err))
  }
  return engine
}

// An IELTS answer is at most two minutes; a longer recording is not aligned in one piece (a wide-beam
// alignment's memory and time grow with the audio).
const MAX_AUDIO_S = 150

/**
 * Unscripted assessment of one answer, as Azure does for free speech: the recognised transcript is the
 * reference. A word the recogniser heard as another word is therefore scored as that word: this catches
 * sounds said unlike the word that was recognised, not words replaced by other words.
 */
export function assessAnswer(e: ScoringEngine | Error, answer: AnswerAudio): AnswerPronunciation {
  const { seq } = answer
  if (!answer.wav) return { seq, status: 'no_audio', reason: answer.missing ?? 'No recording of this answer was kept.' }
  if (e instanceof Error) return { seq, status: 'engine_unavailable', reason: `The pronunciation engine could not load: ${e.message}` }
  try {
    const pcm = wavTo16k(answer.wav)
    if (pcm.length / 16000 > MAX_AUDIO_S) throw new Error(`the recording is longer than ${MAX_AUDIO_S} s`)
    const a = assessPronunciation(e.decoder, pcm, answer.text, e.dictionary, e.phoneLm, e.variants)
    return {
      seq,
      status: 'assessed',
      scores: { accuracy: a.accuracy, fluency: a.fluency, completeness: a.completeness, prosody: a.prosody, overall: a.overall },
      words: a.words.map((w) => ({
        word: w.word,
        accuracy: w.accuracy,
        error_type: w.errorType,
        start: w.start,
        end: w.end,
        phonemes: w.phonemes.map((p) => ({ phoneme: p.phoneme, accuracy: p.accuracy }))
      })),
      unscored: a.unscored,
      measures: a.measures
    }
  } catch (err) {
    return { seq, status: 'failed', reason: `Pronunciation could not be assessed: ${err instanceof Error ? err.message : String(err)}.` }
  }
}

/** The session's scores: each assessed answer weighted by its scored words. */
export function aggregate(answers: AnswerPronunciation[]): PronunciationScores | undefined {
  const done = answers.filter((a) => a.status === 'assessed' && a.scores && a.words?.length)
  const total = done.reduce((s, a) => s + a.words!.length, 0)
  if (!total) return undefined
  const avg = (k: keyof PronunciationScores) => Math.round((done.reduce((s, a) => s + a.scores![k] * a.words!.length, 0) / total) * 10) / 10
  return { accuracy: avg('accuracy'), fluency: avg('fluency'), completeness: avg('completeness'), prosody: avg('prosody'), overall: avg('overall') }
}

/** Words flagged for the learner, worst first. */
export function flaggedWords(answers: AnswerPronunciation[], limit = 20) {
  return answers
    .flatMap((a) => (a.words ?? []).filter((w) => w.error_type === 'Mispronunciation' || w.error_type === 'Omission').map((w) => ({ seq: a.seq, ...w })))
    .sort((x, y) => x.accuracy - y.accuracy)
    .slice(0, limit)
    .map((w) => ({ seq: w.seq, word: w.word, accuracy: w.accuracy, error_type: w.error_type, phonemes: w.phonemes }))
}

export { MISPRONOUNCED_BELOW }
