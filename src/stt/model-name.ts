import { HttpError } from '../errors.js'
import type { SttEngine } from './types.js'

/**
 * The engine a foreign protocol's `model` names: a voxlens engine by its name; any other model name
 * (Deepgram's nova-3, OpenAI's gpt-4o-transcribe ...) means the default engine, since official clients
 * send their own vendor's model names. An engine this server knows but has not configured is still the
 * caller's mistake (400).
 */
export function engineForModel(stt: { resolve(name?: string): SttEngine }, model: string | undefined): string | undefined {
  if (!model) return undefined
  try {
    return stt.resolve(model).name
  } catch (err) {
    if (err instanceof HttpError && err.code === 'unknown_engine') return undefined
    throw err
  }
}
