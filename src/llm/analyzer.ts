import { createHash } from 'node:crypto'
import { BUILTIN_VERSION, createBuiltinProvider } from './builtin/index.js'
import { REFINE_PROMPT_VERSION } from './prompts.js'
import { coerceAnalysis, describeInvalid } from './schema.js'
import { InvalidOutputError, type Analysis, type AnalysisInput, type CacheLike, type LlmProvider } from './types.js'

export type Outcome = 'ok' | 'invalid' | 'error' | 'timeout' | 'fallback' | 'cached'

export interface AnalyzerOptions {
  provider: LlmProvider
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

class TimedOut extends Error {}

/** Rejects when the signal fires even if the provider ignores it, so no SDK can hold a request past its bound. */
function bounded<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {})
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(new TimedOut())
      signal.addEventListener('abort', () => reject(new TimedOut()), { once: true })
    })
  ])
}

/** A cache entry written by an older release or damaged counts as a miss. */
function parseCached<T>(hit: string, check: (raw: unknown) => T | undefined): T | undefined {
  try {
    return check(JSON.parse(hit))
  } catch {
    return undefined
  }
}

function describeError(err: unknown): string {
  const status = (err as { status?: unknown }).status
  const message = err instanceof Error ? err.message : String(err)
  if (status === 401 || status === 403) return `rejected the API key (${status})`
  // Gemini answers a bad key with 400 INVALID_ARGUMENT and the reason in the message.
  if (status === 400 && /API_KEY_INVALID|API key not valid/.test(message)) return 'rejected the API key (400 API_KEY_INVALID)'
  if (status === 429) return 'rate limited (429)'
  if (typeof status === 'number' && status >= 500) return `server error (${status})`
  if (typeof status === 'number') return `request failed (${status}): ${message.slice(0, 120)}`
  return `request failed: ${message.slice(0, 120)}`
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

/**
 * Runs a provider with the guarantees callers rely on: answers validated and repaired, one retry on
 * invalid output, a hard time bound, a cache keyed by provider, model, prompt version and input, and
 * the offline analyzer's answer (with the failure spelled out) whenever the provider cannot deliver.
 */
export function createAnalyzer(o: AnalyzerOptions) {
  const { provider, cache } = o
  const builtin = provider.name === 'builtin' ? provider : createBuiltinProvider()
  const ttl = o.cacheTtlSeconds ?? 7 * 24 * 3600
  const report = (name: string, outcome: Outcome) => o.onOutcome?.(name, outcome)

  async function run<T>(
    kind: 'analysis' | 'refine',
    promptVersion: string,
    input: unknown,
    call: (signal: AbortSignal) => Promise<unknown>,
    check: (raw: unknown) => T | undefined
  ): Promise<{ value: T } | { failure: string }> {
    const key = `llm:${createHash('sha256').update(JSON.stringify([kind, provider.name, provider.model ?? '', promptVersion, input])).digest('hex')}`
    const hit = await cache?.get(key).catch(() => null)
    const cached = hit ? parseCached(hit, check) : undefined
    if (cached !== undefined) {
      report(provider.name, 'cached')
      return { value: cached }
    }
    const signal = AbortSignal.timeout(o.timeoutSeconds * 1000)
    let invalid = ''
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const raw = await bounded(call(signal), signal)
        const value = check(raw)
        if (value === undefined) throw new InvalidOutputError(describeInvalid(raw))
        report(provider.name, 'ok')
        await cache?.set(key, JSON.stringify(value), ttl).catch(() => {})
        return { value }
      } catch (err) {
        if (err instanceof TimedOut || signal.aborted) {
          report(provider.name, 'timeout')
          return { failure: `timed out after ${o.timeoutSeconds} s` }
        }
        if (!(err instanceof InvalidOutputError)) {
          report(provider.name, 'error')
          return { failure: describeError(err) }
        }
        report(provider.name, 'invalid')
        invalid = err.message
      }
    }
    return { failure: `returned invalid output twice (${invalid})` }
  }

  return {
    async analyze(input: AnalysisInput): Promise<AnalysisResult> {
      if (provider === builtin) {
        report(builtin.name, 'ok')
        return { analysis: await builtin.analyze(input), provider: builtin.name, promptVersion: BUILTIN_VERSION }
      }
      const promptVersion = provider.promptVersion ?? 'unversioned'
      const r = await run('analysis', promptVersion, canonical(input), (signal) => provider.analyze(input, signal), coerceAnalysis)
      if ('value' in r) return { analysis: r.value, provider: provider.name, promptVersion }
      report(provider.name, 'fallback')
      const error = `${provider.name}: ${r.failure}; used builtin analysis`
      return { analysis: await builtin.analyze(input), provider: builtin.name, promptVersion: BUILTIN_VERSION, error }
    },

    async refine(text: string): Promise<RefineResult> {
      if (provider === builtin) {
        report(builtin.name, 'ok')
        return { output: await builtin.refine(text), provider: builtin.name }
      }
      const check = (raw: unknown) => (typeof raw === 'string' && raw.trim() ? raw.trim() : undefined)
      const r = await run('refine', REFINE_PROMPT_VERSION, text, (signal) => provider.refine(text, signal), check)
      if ('value' in r) return { output: r.value, provider: provider.name }
      report(provider.name, 'fallback')
      return { output: await builtin.refine(text), provider: builtin.name, error: `${provider.name}: ${r.failure}; used builtin refine` }
    }
  }
}
