export type { ChatMessage, ChatProvider, ChatRequest, TokenUsage } from './types.js'
export { ChatError, type ChatErrorCode } from './errors.js'
export { createChatClient, type ChatCallOptions, type ChatClient, type ChatClientOptions, type ChatJsonOptions } from './client.js'
export * from './providers/index.js'
