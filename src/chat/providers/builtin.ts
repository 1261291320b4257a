import { ChatError } from '../errors.js'
import type { ChatProvider } from '../types.js'

/**
 * What runs when no cloud model is configured. Nothing offline here can hold a conversation, so every
 * call fails with `chat_unavailable` naming what to set; callers that have an offline answer of their
 * own (the call analyzer's rules) check `available` and never call it.
 */
export function createBuiltinChat(why: string): ChatProvider {
  const unavailable = () => new ChatError('builtin', 'chat_unavailable', 'no chat model is configured', why)
  return {
    name: 'builtin',
    model: 'none',
    available: false,
    async complete() {
      throw unavailable()
    },
    async stream() {
      throw unavailable()
    }
  }
}
