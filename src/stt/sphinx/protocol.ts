import type { NativeResult } from './native.js'

/** Messages from the engine to a decoder worker. */
export type WorkerRequest =
  | { op: 'decode'; id: number; samples: Float32Array; cmn?: Float32Array }
  | { op: 'cepstra'; id: number; samples: Float32Array }
  | { op: 'start'; id: number }
  | { op: 'chunk'; id: number; samples: Float32Array }
  | { op: 'end'; id: number }

/** Messages from a decoder worker back to the engine. */
export type WorkerReply =
  | { op: 'ready' }
  | { op: 'failed'; error: string }
  | { op: 'result'; id: number; result: NativeResult }
  | { op: 'cepstra'; id: number; cepstra: Float32Array }
  | { op: 'partial'; id: number; text: string }
  | { op: 'error'; id: number; error: string }

export interface WorkerConfig {
  args: string[]
}
