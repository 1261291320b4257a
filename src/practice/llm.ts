import { Type, type Static } from 'typebox'
import type { ChatClient, ChatMessage } from '../chat/index.js'

/** Part of every stored message written with it; bump it with any change to the prompt. */
export const PRACTICE_PROMPT_VERSION = 'practice.v1'

export const TutorAnswerSchema = Type.Object({
  reply: Type.String({ minLength: 1, maxLength: 600 }),
  correction: Type.Union([Type.String({ minLength: 1, maxLength: 2200 }), Type.Null()]),
  explanation: Type.Union([Type.String({ minLength: 1, maxLength: 400 }), Type.Null()])
})
export type TutorAnswer = Static<typeof TutorAnswerSchema>

const SYSTEM = `You are a friendly English conversation partner for Indian learners of English.
Answer in JSON only: {"reply": string, "correction": string or null, "explanation": string or null}.
- "reply": one to three short, simple sentences that respond to what the learner said and ask one
  follow-up question to keep the conversation going. Never lecture about grammar in the reply.
- "correction": the learner's last sentence with only its most important mistake fixed, changing as few
  words as possible and keeping all their other words; null when it has no mistake.
- "explanation": when there is a correction, one short sentence in Romanized Hinglish (Hindi and English
  mixed, Latin script) saying why, e.g. "Yahan 'going' use karna chahiye kyunki yeh present continuous
  tense hai."; otherwise null.`

export interface TurnForModel {
  role: 'user' | 'assistant'
  text: string
}

/**
 * Asks the model for a reply to the learner's message in the light of the last turns, and a
 * correction it may propose. `known` is the correction our own checker found, so the model does not
 * contradict it. One attempt: the caller bounds the time and falls back to the built-in partner.
 */
export async function askTutor(
  chat: ChatClient,
  input: { message: string; history: TurnForModel[]; known?: string },
  signal: AbortSignal
): Promise<TutorAnswer> {
  const messages: ChatMessage[] = [
    { role: 'system', content: SYSTEM },
    ...input.history.map((t) => ({ role: t.role, content: t.text })),
    {
      role: 'user',
      content: input.known ? `${input.message}\n\n(Our grammar checker suggests: ${input.known})` : input.message
    }
  ]
  return chat.completeJson(messages, TutorAnswerSchema, { signal, attempts: 1, temperature: 0.7, maxTokens: 400, schemaInPrompt: true })
}
