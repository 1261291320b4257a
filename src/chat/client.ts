import type { Static, TSchema } from 'typebox'
import { AttemptTimeoutError, classifyError, retry, withTimeout, type RetryOptions } from '../retry.js'
import { ChatError, toChatError } from './errors.js'
import { checkJson } from './json.js'
import type { ChatMessage, ChatProvider, ChatRequest, TokenUsage } from './types.js'

export interface ChatClientOptions {
  provider: ChatProvider
  /** bound on one attempt of complete(), and on each wait for the next streamed delta */
  timeoutMs: number
  /** backoff for 429/5xx/network failures and timeouts (default 3 attempts, 0.5 s doubling) */
  retry?: Omit<RetryOptions, 'signal' | 'classify'>
  /** told the tokens of every answer the provider counted (retried and invalid answers included: they were billed) */
  onUsage?: (provider: string, usage: TokenUsage) => void
}

export interface ChatCallOptions {
  signal?: AbortSignal
  temperature?: number
  maxTokens?: number
  /** attempts in total; 1 for callers with an answer of their own to fall back to at once */
  attempts?: number
}

export interface ChatJsonOptions extends ChatCallOptions {
  /** the prompt already spells the schema out (see ChatRequest) */
  schemaInPrompt?: boolean
  /** fixes near misses (case, an unknown enum value) on the parsed answer before it is checked */
  repair?: (raw: unknown) => unknown
  /** told about each answer that failed the check, before the one retry */
  onInvalid?: (reason: string) => void
}

export interface ChatClient {
  /** 'builtin' when no cloud model is configured */
  readonly provider: string
  readonly model: string
  /** false when every call would fail with chat_unavailable */
  readonly available: boolean
  complete(messages: ChatMessage[], options?: ChatCallOptions): Promise<string>
  /** the answer parsed and checked against `schema`; an invalid answer is asked for once more, then a chat_invalid_output error */
  completeJson<S extends TSchema>(messages: ChatMessage[], schema: S, options?: ChatJsonOptions): Promise<Static<S>>
  /** text deltas as the model writes them; a stall longer than the timeout ends it with chat_timeout */
  stream(messages: ChatMessage[], options?: ChatCallOptions): AsyncIterable<string>
}

/** Rejects when the signal fires even if the SDK ignores it, so no provider can hold a call past its bound. */
function bounded<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {})
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason)
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
  ])
}

/**
 * One client over whichever provider config chose: messages in, text, checked JSON or a stream of text
 * out. Every vendor gets the same retry policy (src/retry.ts), deadlines and error messages.
 */
export function createChatClient(o: ChatClientOptions): ChatClient {
  const { provider, timeoutMs } = o
  const classify = provider.classify ?? classifyError

  /** One request with our deadline and retry policy; failures become ChatErrors, the caller's abort passes through. */
  async function attempt<T>(options: ChatCallOptions, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let attempts = 0
    try {
      return await retry(
        (n) => {
          attempts = n
          return withTimeout(timeoutMs, options.signal, (signal) => bounded(call(signal), signal))
        },
        { ...o.retry, attempts: options.attempts ?? o.retry?.attempts, signal: options.signal, classify }
      )
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason
      throw toChatError(err, { provider: provider.name, keyVariable: provider.keyVariable, attempts, timeoutMs, retryAfterMs: classify(err).afterMs })
    }
  }

  const request = (messages: ChatMessage[], options: ChatCallOptions, json?: ChatRequest['json']): ChatRequest => ({
    messages,
    json,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    ...(o.onUsage && { onUsage: (usage: TokenUsage) => o.onUsage?.(provider.name, usage) })
  })

  return {
    provider: provider.name,
    model: provider.model,
    available: provider.available,

    complete(messages, options = {}) {
      return attempt(options, (signal) => provider.complete(request(messages, options), signal))
    },

    async completeJson(messages, schema, options = {}) {
      const req = request(messages, options, { schema, schemaInPrompt: options.schemaInPrompt })
      let invalid = ''
      for (let round = 0; round < 2; round++) {
        const checked = checkJson(await attempt(options, (signal) => provider.complete(req, signal)), schema, options.repair)
        if ('value' in checked) return checked.value as Static<typeof schema>
        invalid = checked.invalid
        options.onInvalid?.(invalid)
      }
      const reason = `returned invalid output twice (${invalid})`
      throw new ChatError(provider.name, 'chat_invalid_output', reason, `The ${provider.name} chat model ${reason}.`)
    },

    async *stream(messages, options = {}) {
      // Aborted when the consumer stops early or a delta is late, so the connection is not left open.
      const stop = new AbortController()
      const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
      const deltas = await attempt({ ...options, signal }, (s) => provider.stream(request(messages, options), s))
      const iterator = deltas[Symbol.asyncIterator]()
      // One listener for the whole stream: SDKs stop reading on abort, but not all of them promptly.
      const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
      aborted.catch(() => {})
      try {
        while (true) {
          let timer: NodeJS.Timeout | undefined
          const late = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new AttemptTimeoutError(timeoutMs)), timeoutMs)
          })
          let next: IteratorResult<string>
          try {
            next = await Promise.race([iterator.next(), aborted, late])
          } catch (err) {
            if (options.signal?.aborted) throw options.signal.reason
            throw toChatError(err, { provider: provider.name, keyVariable: provider.keyVariable, attempts: 1, timeoutMs })
          } finally {
            clearTimeout(timer)
          }
          if (next.done) return
          yield next.value
        }
      } finally {
        stop.abort()
      }
    }
  }
}
