import type { MessagePort } from 'node:worker_threads'
import type { BandEnvelope } from '../../audio/band-fill.js'
import type { PartialWord } from '../types.js'
import type { NativeResult } from './native.js'
import type { DecodedSpan } from './transcript.js'

/** Tasks the engine posts to a decoder thread. */
export type DecoderTask =
  /** loads the model; `barrier` holds every load task until all `threads` have one, so each thread loads */
  | { op: 'load'; barrier: SharedArrayBuffer; threads: number }
  /** `mllr`: a transform file to decode with (the telephone adaptation); absent, the model as trained */
  | { op: 'decode'; samples: Float32Array; cmn?: Float32Array; mllr?: string }
  | { op: 'cepstra'; samples: Float32Array }
  /** a phone-line upload with its empty high band filled (see band-fill.ts), returned in shared memory */
  | { op: 'fill'; samples: Float32Array; envelope: BandEnvelope }
  /**
   * one live utterance, fed through `port` until it ends or is released; normalised from the start by
   * `cmn` (the stream's channel mean) when given, else by the model's initial mean; `mllr` as for decode
   */
  | { op: 'stream'; port: MessagePort; cmn?: Float32Array; mllr?: string }

/**
 * What a live utterance's final is: the live result; the utterance decoded again whole, normalised by its
 * own speech's mean; or the live result unless the utterance's speech lies far from the channel mean the
 * live decoder started from (another voice took over the stream: see farFromChannel), then the whole decode.
 */
export type FinalChoice = 'live' | 'whole' | 'live-unless-new-voice'

/** Messages on a stream's port, from the engine. */
export type StreamInput = { op: 'chunk'; samples: Float32Array } | { op: 'end'; final: FinalChoice } | { op: 'release' }

/** Messages on a stream's port, from the thread. */
export type StreamOutput = { op: 'partial'; text: string; words: PartialWord[] }

/** Sum of the cepstra (13 values) of an utterance's speech frames, and how many frames they are. */
export interface CepstralSum {
  sum: Float64Array
  frames: number
}

/** What a live utterance leaves: its final, and what it taught about the stream's channel. */
export interface StreamResult {
  /** the live result, or the utterance's speech spans decoded again whole */
  decoded: DecodedSpan[]
  speech: CepstralSum
  /** the speech lies far from the channel mean the live decoder started from (see farFromChannel) */
  newVoice: boolean
}

/** What a task resolves to. */
export type DecoderOutput = NativeResult | StreamResult | Float32Array | null

export interface WorkerConfig {
  args: string[]
}
