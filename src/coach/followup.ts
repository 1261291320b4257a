import { Type } from 'typebox'
import type { ChatClient } from '../chat/client.js'
import { maskPii } from './pii.js'
import { FOLLOWUP_PROMPT_CHECKSUM, FOLLOWUP_PROMPT_TEXT, FOLLOWUP_PROMPT_VERSION } from './prompts.js'
import { questionById, type Question } from './questions.js'

export const FollowupSchema = Type.Object(
  { follow_up: Type.Union([Type.String({ minLength: 3, maxLength: 200 }), Type.Null()]) },
  { additionalProperties: false }
)

/** The learner waits in silence for the examiner: a late follow-up is worse than none. */
export const FOLLOWUP_TIMEOUT_MS = 4000
const MAX_WORDS = 25
const SUFFIX = '.followup'

export const followupId = (scriptedId: string) => `${scriptedId}${SUFFIX}`

/**
 * What became of one chance to follow up, kept with the prompt version that produced it: `asked`, the
 * model chose to move on (`declined`), or the scripted question was asked instead (`fallback`, why).
 */
export type FollowupOutcome = { prompt: { version: string; checksum: string } } & (
  { status: 'asked'; question_id: string } | { status: 'declined' } | { status: 'fallback'; reason: string }
)

/**
 * Follow-ups belong to the parts of short answers (the cue card's long turn is not interrupted), and
 * an answer to a follow-up is never followed up: one per scripted question.
 */
export const mayFollowUp = (question: Question | undefined): question is Question =>
  question !== undefined && question.part !== 2 && !question.id.endsWith(SUFFIX)

/**
 * A stored examiner turn as the question it was: a bank question, or a follow-up rebuilt from its
 * text (a resumed session asks it again word for word).
 */
export function storedQuestion(turn: { questionId: string | null; part: number; text: string }): Question | undefined {
  const id = turn.questionId ?? ''
  if (!id.endsWith(SUFFIX)) return questionById(id)
  const scripted = questionById(id.slice(0, -SUFFIX.length))
  return scripted && { id, part: scripted.part, topic: scripted.topic, text: turn.text }
}

/**
 * Asks the chat model for one short follow-up to the learner's answer, within `timeoutMs` and in one
 * attempt. Never throws: any failure is an outcome, and the caller asks the scripted question instead.
 */
export async function askFollowup(
  chat: ChatClient,
  question: Question,
  answer: string,
  timeoutMs = FOLLOWUP_TIMEOUT_MS
): Promise<{ question: Question | null; outcome: FollowupOutcome }> {
  const prompt = { version: FOLLOWUP_PROMPT_VERSION, checksum: FOLLOWUP_PROMPT_CHECKSUM }
  const fallback = (reason: string) => ({ question: null, outcome: { prompt, status: 'fallback' as const, reason } })
  const system = FOLLOWUP_PROMPT_TEXT.replace('{{schema}}', JSON.stringify(FollowupSchema))
  const user = `Part ${question.part}\nYour question: ${question.text}\nThe learner's answer: ${maskPii(answer)}`
  let text: string | null
  try {
    const reply = await chat.completeJson(
      [
        { role: 'system', content: system },
        { role: 'user', content: user }
      ],
      FollowupSchema,
      { schemaInPrompt: true, attempts: 1, temperature: 0.4, maxTokens: 120, signal: AbortSignal.timeout(timeoutMs) }
    )
    text = reply.follow_up?.replace(/\s+/g, ' ').trim() ?? null
  } catch (err) {
    if (err instanceof DOMException && err.name === 'TimeoutError') return fallback(`no answer within ${timeoutMs} ms`)
    return fallback(err instanceof Error ? err.message : String(err))
  }
  if (text === null) return { question: null, outcome: { prompt, status: 'declined' } }
  if (!text.endsWith('?')) return fallback('the follow-up is not a question')
  if (text.split(' ').length > MAX_WORDS) return fallback(`the follow-up is longer than ${MAX_WORDS} words`)
  const followup = { id: followupId(question.id), part: question.part, topic: question.topic, text }
  return { question: followup, outcome: { prompt, status: 'asked', question_id: followup.id } }
}
