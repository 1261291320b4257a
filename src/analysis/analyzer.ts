import { createHash } from 'node:crypto'
import { ChatError, type ChatClient } from '../chat/index.js'
import { analyzeConversation, BUILTIN_VERSION, refineText } from './builtin/index.js'
import { ANALYSIS_PROMPT, ANALYSIS_PROMPT_VERSION, conversationMessage, REFINE_PROMPT, REFINE_PROMPT_VERSION } from './prompts.js'
import { AnalysisSchema, coerceAnalysis, RefineSchema, repairAnalysis } from './schema.js'
import type { Analysis, AnalysisInput, CacheLike } from './types.js'

export type Outcome = 'ok' | 'invalid' | 'error' | 'timeout' | 'fallback' | 'cached'

export interface AnalyzerOptions {
  /** the chat model to ask; without one that is available, the rule-based analyzer answers */
  chat?: ChatClient
  cache?: CacheLike
  /** bound on one analyze() or refine() call, retry included */
  timeoutSeconds: number
  onOutcome?: (provider: string, outcome: Outcome) => void
  /** default 7 days: answers only change with the model or the prompt, and both are in the key */
  cacheTtlSeconds?: number
}

export interface AnalysisResult {
  analysis: Analysis
  provider: string
  promptVersion: string
  /** why the configured provider's answer was not used, when it was not */
  error?: string
}

export interface RefineResult {
  output: string
  provider: string
  error?: string
}

export type Analyzer = ReturnType<typeof createAnalyzer>

/** A cache entry written by an older release or damaged counts as a miss. */
function parseCached<T>(hit: string, check: (raw: unknown) => T | undefined): T | undefined {
  try {
    return check(JSON.parse(hit))
  } catch {
    return undefined
  }
}

/** Stable across property order, so the same conversation always hits the same entry. */
function canonical(input: AnalysisInput) {
  return {
    utterances: input.utterances.map((u) => [u.speaker, u.start, u.end, u.text, u.emotion ?? null, u.sentiment ?? null]),
    transcript: input.transcript,
    durationSeconds: input.durationSeconds,
    language: input.language ?? null
  }
}

const refined = (raw: unknown) => (typeof raw === 'string' && raw.trim() ? raw.trim() : undefined)

/**
 * Call analysis and politeness rewrites: a versioned prompt and a schema on top of the chat client, with
 * what callers rely on: near misses repaired, one retry on invalid output, a hard time bound, a cache
 * keyed by provider, model, prompt version and input, and the rule-based answer (with the failure
 * spelled out) whenever the model cannot deliver. A 429 or 5xx falls back at once rather than waiting
 * out a backoff: the offline answer is there now.
 */
export function createAnalyzer(o: AnalyzerOptions) {
  const chat = o.chat?.available ? o.chat : undefined
  const name = chat?.provider ?? 'builtin'
  const ttl = o.cacheTtlSeconds ?? 7 * 24 * 3600
  const report = (provider: string, outcome: Outcome) => o.onOutcome?.(provider, outcome)

  async function run<T>(
    kind: 'analysis' | 'refine',
    promptVersion: string,
    input: unknown,
    ask: (chat: ChatClient, signal: AbortSignal, onInvalid: () => void) => Promise<T>,
    check: (raw: unknown) => T | undefined
  ): Promise<{ value: T } | { failure: string }> {
    if (!chat) throw new Error('run() needs a chat model')
    const key = `llm:${createHash('sha256')
      .update(JSON.stringify([kind, chat.provider, chat.model, promptVersion, input]))
      .digest('hex')}`
    const hit = await o.cache?.get(key).catch(() => null)
    const cached = hit ? parseCached(hit, check) : undefined
    if (cached !== undefined) {
      report(name, 'cached')
      return { value: cached }
    }
    const signal = AbortSignal.timeout(o.timeoutSeconds * 1000)
    try {
      const value = await ask(chat, signal, () => report(name, 'invalid'))
      report(name, 'ok')
      await o.cache?.set(key, JSON.stringify(value), ttl).catch(() => {})
      return { value }
    } catch (err) {
      if (signal.aborted) {
        report(name, 'timeout')
        return { failure: `timed out after ${o.timeoutSeconds} s` }
      }
      if (!(err instanceof ChatError)) throw err
      // Invalid answers were reported one by one as they came.
      if (err.chatCode !== 'chat_invalid_output') report(name, err.chatCode === 'chat_timeout' ? 'timeout' : 'error')
      return { failure: err.reason }
    }
  }

  return {
    provider: name,

    async analyze(input: AnalysisInput): Promise<AnalysisResult> {
      if (!chat) {
        report(name, 'ok')
        return { analysis: analyzeConversation(input), provider: name, promptVersion: BUILTIN_VERSION }
      }
      const messages = [
        { role: 'system' as const, content: ANALYSIS_PROMPT },
        { role: 'user' as const, content: conversationMessage(input) }
      ]
      const r = await run(
        'analysis',
        ANALYSIS_PROMPT_VERSION,
        canonical(input),
        (c, signal, onInvalid) =>
          c.completeJson(messages, AnalysisSchema, { signal, onInvalid, attempts: 1, temperature: 0.2, schemaInPrompt: true, repair: repairAnalysis }),
        coerceAnalysis
      )
      if ('value' in r) return { analysis: r.value as Analysis, provider: name, promptVersion: ANALYSIS_PROMPT_VERSION }
      report(name, 'fallback')
      const error = `${name}: ${r.failure}; used builtin analysis`
      return { analysis: analyzeConversation(input), provider: 'builtin', promptVersion: BUILTIN_VERSION, error }
    },

    async refine(text: string): Promise<RefineResult> {
      if (!chat) {
        report(name, 'ok')
        return { output: refineText(text), provider: name }
      }
      const messages = [
        { role: 'system' as const, content: REFINE_PROMPT },
        { role: 'user' as const, content: text }
      ]
      const r = await run(
        'refine',
        REFINE_PROMPT_VERSION,
        text,
        async (c, signal, onInvalid) => {
          const answer = await c.completeJson(messages, RefineSchema, { signal, onInvalid, attempts: 1, temperature: 0.2, schemaInPrompt: true })
          return answer.text.trim()
        },
        refined
      )
      if ('value' in r) return { output: r.value, provider: name }
      report(name, 'fallback')
      return { output: refineText(text), provider: 'builtin', error: `${name}: ${r.failure}; used builtin refine` }
    }
  }
}
