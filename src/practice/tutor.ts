import { createHash } from 'node:crypto'
import { ChatError, type ChatClient } from '../chat/index.js'
import { correct, isMinimalEdit, type UnsureSpan } from './correction.js'
import { StageTimeoutError, withStageLimit } from './errors.js'
import type { GrammarChecker } from './grammar.js'
import { explain } from './hinglish.js'
import { askTutor, PRACTICE_PROMPT_VERSION, type TurnForModel } from './llm.js'
import { partnerReply } from './partner.js'
import { checkRules } from './rules.js'
import { score } from './score.js'
import type { Mistake, MistakeCategory } from './types.js'

export interface TutorOptions {
  grammar: GrammarChecker
  /** a cloud chat model, or null for the built-in partner */
  chat: ChatClient | null
  /** bound on the correction and on the reply stage, each */
  llmTimeoutMs: number
  /** remembers the mistakes found in a sentence seen before (CACHE_ENABLED) */
  cache?: { get(key: string): Promise<string | null>; set(key: string, value: string, ttlSeconds?: number): Promise<void> } | null
  /** seconds spent per stage, for metrics */
  observe?: (stage: 'correct' | 'reply', engine: string, seconds: number) => void
}

export interface TurnInput {
  /** what the learner typed, or what we heard */
  text: string
  spoken: boolean
  /** parts of `text` the recogniser was unsure of: never corrected */
  unsure?: UnsureSpan[]
  /** earlier turns of the conversation, oldest first */
  history: TurnForModel[]
}

export interface TurnResult {
  correction: string | null
  explanation: string | null
  category: MistakeCategory | null
  score: number
  reply: string
  /** who wrote the reply: "<provider>:<model>", "builtin" or "builtin (fallback: <reason>)" */
  engine: string
  promptVersion: string | null
  /** milliseconds */
  timings: { correct: number; reply: number }
}

const CACHE_TTL_SECONDS = 7 * 24 * 3600
/** Turns of history the model sees: enough for context, short enough to stay fast. */
const HISTORY_TURNS = 8

/**
 * One learner turn: find the mistakes (our rules and harper.js), correct the most important ones,
 * explain the main one in Hinglish, score the sentence, and reply (the chat model when configured,
 * the built-in partner otherwise or when the model fails). Free of Fastify and of storage.
 */
export function createTutor(o: TutorOptions) {
  async function findMistakes(text: string, spoken: boolean, signal?: AbortSignal): Promise<Mistake[]> {
    const key = `practice:mistakes:v1:${createHash('sha256')
      .update(`${spoken ? 's' : 't'}\n${text}`)
      .digest('hex')}`
    const hit = o.cache ? await o.cache.get(key) : null
    if (hit) return JSON.parse(hit) as Mistake[]
    const found = [...checkRules(text), ...(await o.grammar.check(text, { spoken, signal }))]
    await o.cache?.set(key, JSON.stringify(found), CACHE_TTL_SECONDS)
    return found
  }

  async function respond(input: TurnInput, signal?: AbortSignal): Promise<TurnResult> {
    const t0 = performance.now()
    const mistakes = await withStageLimit('correct', o.llmTimeoutMs, signal, (s) => findMistakes(input.text, input.spoken, s))
    const found = correct(input.text, mistakes, input.unsure)
    const t1 = performance.now()
    o.observe?.('correct', 'builtin', (t1 - t0) / 1000)

    let correction = found?.display ?? null
    let explanation = found ? explain(input.text, found.main) : null
    let category = found?.main.category ?? null
    let counted = found?.fixed ?? []
    let reply: string | undefined
    let engine = 'builtin'
    let promptVersion: string | null = null

    if (o.chat) {
      try {
        const answer = await withStageLimit('reply', o.llmTimeoutMs, signal, (s) =>
          askTutor(o.chat!, { message: input.text, history: input.history.slice(-HISTORY_TURNS), known: found?.corrected }, s)
        )
        reply = answer.reply.trim()
        engine = `${o.chat.provider}:${o.chat.model}`
        promptVersion = PRACTICE_PROMPT_VERSION
        // The model may catch what our checks did not; its correction counts only as a minimal edit
        // that leaves the words the recogniser was unsure of alone.
        const proposed = answer.correction?.trim()
        const unsureWords = (input.unsure ?? []).map((u) => input.text.slice(u.start, u.end))
        if (!found && proposed && isMinimalEdit(input.text, proposed, unsureWords)) {
          correction = `${input.text.trim()} → ${proposed}`
          explanation = answer.explanation?.trim() || `Yahan '${proposed}' kehna zyada sahi hai.`
          category = 'general'
          counted = [{ category: 'general', start: 0, end: 0, replacement: proposed, severity: 2, source: 'llm' }]
        }
      } catch (err) {
        if (err instanceof StageTimeoutError || (err instanceof ChatError && err.chatCode === 'chat_timeout')) throw new StageTimeoutError('reply')
        if (signal?.aborted) throw err
        engine = `builtin (fallback: ${err instanceof ChatError ? err.reason : (err as Error).message})`.slice(0, 200)
      }
    }
    const learnerTurns = input.history.filter((t) => t.role === 'user').length
    reply ??= partnerReply(input.text, { hadMistake: Boolean(correction), turn: learnerTurns }).text
    const t2 = performance.now()
    o.observe?.('reply', engine.startsWith('builtin') ? 'builtin' : o.chat!.provider, (t2 - t1) / 1000)

    return {
      correction,
      explanation,
      category,
      score: score(input.text, counted),
      reply,
      engine,
      promptVersion,
      timings: { correct: Math.round(t1 - t0), reply: Math.round(t2 - t1) }
    }
  }

  return { respond, findMistakes }
}

export type Tutor = ReturnType<typeof createTutor>
