export { createGroqChat, type GroqChatOptions } from './groq.js'
export { createOpenAiChat, type OpenAiChatOptions } from './openai.js'
export { createGeminiChat, type GeminiChatOptions } from './gemini.js'
export { createBuiltinChat } from './builtin.js'
