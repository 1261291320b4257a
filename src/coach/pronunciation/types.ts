/** Azure-style word error types. */
export type WordErrorType = 'None' | 'Mispronunciation' | 'Omission' | 'Insertion' | 'UnexpectedBreak' | 'MissingBreak' | 'Monotone'

export interface PhonemeAssessment {
  phoneme: string
  /** 0-100 from goodness of pronunciation */
  accuracy: number
  /** seconds from the start of the audio */
  start: number
  end: number
}

export interface WordAssessment {
  word: string
  accuracy: number
  errorType: WordErrorType
  start: number
  end: number
  /** silence before the word, seconds */
  pauseBefore: number
  phonemes: PhonemeAssessment[]
}

export interface PronunciationAssessment {
  accuracy: number
  fluency: number
  completeness: number
  prosody: number
  overall: number
  words: WordAssessment[]
  /** reference words the dictionary has no pronunciation for: not scored */
  unscored: string[]
  /** what the scores rest on, for the learner's report */
  measures: {
    /** mean goodness of pronunciation per frame (natural log, forced alignment minus free phone loop) */
    meanGop: number
    pitchRangeSemitones: number
    phonesPerSecond: number
    speechRatio: number
    /** normalised pairwise variability of vowel durations: stress timing shows as 50+ */
    vowelNpvi: number
  }
}
