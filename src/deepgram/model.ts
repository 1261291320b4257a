import { HttpError } from '../errors.js'
import type { SttEngine } from '../stt/types.js'

/**
 * The engine a Deepgram `model` names: a voxlens engine by its name; any other model name (nova-3,
 * whisper-large ...) means the default engine, since Deepgram's clients send their own model names.
 * An engine this server knows but has not configured is still the caller's mistake (400).
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
