import type { MessagePort } from 'node:worker_threads'
import type { NativeResult } from './native.js'

/** Tasks the engine posts to a decoder thread. */
export type DecoderTask =
  /** loads the model; `barrier` holds every load task until all `threads` have one, so each thread loads */
  | { op: 'load'; barrier: SharedArrayBuffer; threads: number }
  /** `mllr`: a transform file to decode with (the telephone adaptation); absent, the model as trained */
  | { op: 'decode'; samples: Float32Array; cmn?: Float32Array; mllr?: string }
  | { op: 'cepstra'; samples: Float32Array }
  /** one live utterance, fed through `port` until it ends or is released */
  | { op: 'stream'; port: MessagePort }

/** Messages on a stream's port, from the engine. */
export type StreamInput = { op: 'chunk'; samples: Float32Array } | { op: 'end' } | { op: 'release' }

/** Messages on a stream's port, from the thread. */
export type StreamOutput = { op: 'partial'; text: string }

/** What a task resolves to. */
export type DecoderOutput = NativeResult | Float32Array | null

export interface WorkerConfig {
  args: string[]
}
