export interface NativeWord {
  word: string
  /** first frame, 100 frames per second, relative to start() */
  start: number
  /** frame after the last one */
  end: number
  /** posterior probability in [0, 1] */
  confidence: number
}

export interface NativeResult {
  text: string
  words: NativeWord[]
  frames: number
}

export interface NativeSegment {
  word: string
  start: number
  end: number
  ascr: number
  lscr: number
}

export declare class Decoder {
  /** args: a flat PocketSphinx command line, e.g. ['-hmm', dir, '-lm', lm, '-dict', dict] */
  constructor(args: string[])
  /**
   * starts an utterance; with cmnMean (one value per cepstrum), a whole-utterance block is
   * normalised by that mean instead of by its own
   */
  start(cmnMean?: Float32Array): void
  /** cepstra before normalisation, frames x 13, as the decoder's front end computes them */
  cepstra(samples: Int16Array | Float32Array): Float32Array
  /** feeds audio; returns the current partial hypothesis */
  process(samples: Int16Array | Float32Array, fullUtt?: boolean): string
  /** the current partial hypothesis's words with their frames (no confidences before end()) */
  partial(): Omit<NativeWord, 'confidence'>[]
  end(): NativeResult
  /**
   * applies a model-space MLLR transform (a file written by sphinxtrain's mllr_solve) to the
   * acoustic model, or without a path restores the model as trained; not inside an utterance
   */
  adapt(mllrPath?: string): void
  /** decodes the next utterances against a JSGF grammar (forced alignment with wide beams); not inside an utterance */
  useGrammar(jsgf: string): void
  /**
   * decodes the next utterances as a free loop of context-independent phones weighted by a phone language
   * model; the loop is built on the first call and kept, so later paths are ignored
   */
  usePhoneLoop(lmPath: string): void
  /** adds a pronunciation to the dictionary; false when the word was already there */
  addWord(word: string, phones: string): boolean
  /** after end(): every segment of the best path, silences included, with acoustic and language scores */
  segments(): NativeSegment[]
  close(): void
}

export declare function setLogging(on: boolean): void
