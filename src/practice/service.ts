import { isSilent } from '../audio/index.js'
import { badRequest } from '../errors.js'
import type { SpeechService } from '../stt/service.js'
import type { Word } from '../stt/types.js'
import type { UnsureSpan } from './correction.js'
import { withStageLimit } from './errors.js'
import { assertStorable, type PracticeStore, type Requester } from './store.js'
import type { Tutor, TurnResult } from './tutor.js'

export const MAX_MESSAGE_CHARS = 2000
/** Below this a recognised word is a guess, and a guess is not the learner's mistake. */
export const UNSURE_CONFIDENCE = 0.5
const HISTORY_MESSAGES = 8

export interface SpokenReply {
  key: string
  url: string
  engine: string
}

export interface PracticeServiceOptions {
  store: PracticeStore
  tutor: Tutor
  stt: SpeechService
  /** speaks the reply and keeps the audio; rejects with a StageTimeoutError past its limit */
  speak: (text: string, ctx: RequestContext) => Promise<SpokenReply>
  sttTimeoutMs: number
  observe?: (stage: 'tts', engine: string, seconds: number) => void
}

export interface RequestContext {
  signal: AbortSignal
  /** scheme, host and port the client used, for absolute audio URLs */
  origin: string
}

export interface ChatAnswer {
  reply_text: string
  correction: string | null
  hinglish_explanation: string | null
  score: number
  audio_url: string
  conversation_id: string
}

export interface ChatOutcome {
  answer: ChatAnswer
  /** milliseconds per stage, for the Server-Timing header and the stored message */
  timings: Record<string, number>
}

/**
 * The English-practice product: a learner's turn in (typed or spoken), a correction, a Hinglish
 * explanation, a score and a spoken reply out, stored only once every stage has succeeded.
 */
export function createPracticeService(o: PracticeServiceOptions) {
  async function historyOf(conversationId: string | undefined, who: Requester) {
    return conversationId ? o.store.history(conversationId, who, HISTORY_MESSAGES) : []
  }

  async function finish(
    who: Requester,
    conversationId: string | undefined,
    input: { text: string; transcript: string | null; voiceSeconds: number | null },
    turn: TurnResult,
    timings: Record<string, number>,
    ctx: RequestContext
  ): Promise<ChatOutcome> {
    const t0 = performance.now()
    const spoken = await o.speak(turn.reply, ctx)
    timings.tts = Math.round(performance.now() - t0)
    o.observe?.('tts', spoken.engine, timings.tts / 1000)
    ctx.signal.throwIfAborted()
    const id = await o.store.saveExchange(
      who,
      conversationId,
      { ...input, correction: turn.correction, explanation: turn.explanation, category: turn.category, score: turn.score, timings },
      { text: turn.reply, audioKey: spoken.key, engine: turn.engine, promptVersion: turn.promptVersion }
    )
    return {
      answer: {
        reply_text: turn.reply,
        correction: turn.correction,
        hinglish_explanation: turn.explanation,
        score: turn.score,
        audio_url: spoken.url,
        conversation_id: id
      },
      timings
    }
  }

  return {
    async textChat(who: Requester, body: { message: string; conversation_id?: string }, ctx: RequestContext): Promise<ChatOutcome> {
      assertStorable({ user_id: who.userId, message: body.message, conversation_id: body.conversation_id })
      const text = body.message.trim()
      if (!text) throw badRequest('The message is empty: type a sentence in English to practise.', 'empty_message')
      if (text.length > MAX_MESSAGE_CHARS) {
        throw badRequest(`The message is too long: send at most ${MAX_MESSAGE_CHARS} characters at a time.`, 'message_too_long')
      }
      const history = await historyOf(body.conversation_id, who)
      const turn = await o.tutor.respond({ text, spoken: false, history }, ctx.signal)
      return finish(who, body.conversation_id, { text, transcript: null, voiceSeconds: null }, turn, { ...turn.timings }, ctx)
    },

    async voiceChat(
      who: Requester,
      input: { audio: Uint8Array; conversation_id?: string },
      ctx: RequestContext
    ): Promise<ChatOutcome & { transcript: string }> {
      assertStorable({ user_id: who.userId, conversation_id: input.conversation_id })
      const history = await historyOf(input.conversation_id, who)
      const t0 = performance.now()
      const decoded = await o.stt.decode(input.audio)
      if (isSilent(decoded.samples))
        throw badRequest('We could not hear any speech in the recording: speak closer to the microphone and try again.', 'no_speech')
      const t1 = performance.now()
      const { transcript } = await withStageLimit('stt', o.sttTimeoutMs, ctx.signal, (s) => o.stt.transcribe(decoded, { signal: s }))
      const t2 = performance.now()
      const heard = spokenText(transcript.words, transcript.text)
      if (!heard.text) throw badRequest('We could not make out any words in the recording: speak clearly and try again.', 'no_speech')
      const turn = await o.tutor.respond({ text: heard.text, spoken: true, unsure: heard.unsure, history }, ctx.signal)
      const timings = { decode: Math.round(t1 - t0), stt: Math.round(t2 - t1), ...turn.timings }
      const voiceSeconds = Math.round(decoded.info.duration * 10) / 10
      const out = await finish(who, input.conversation_id, { text: heard.text, transcript: transcript.text, voiceSeconds }, turn, timings, ctx)
      return { ...out, transcript: heard.text }
    }
  }
}

export type PracticeService = ReturnType<typeof createPracticeService>

/**
 * The transcript as a sentence (capital first letter, "I" for "i": the recogniser writes neither,
 * and neither is the learner's mistake), with the spans of words the recogniser was unsure of.
 */
export function spokenText(words: Word[], fallback: string): { text: string; unsure: UnsureSpan[] } {
  if (!words.length) {
    const text = fallback.trim()
    return { text: text && text[0].toUpperCase() + text.slice(1), unsure: [] }
  }
  let text = ''
  const unsure: UnsureSpan[] = []
  for (const [i, w] of words.entries()) {
    let word = w.word.trim()
    if (!word) continue
    if (word === 'i') word = 'I'
    if (i === 0) word = word[0].toUpperCase() + word.slice(1)
    const start = text ? text.length + 1 : 0
    text = text ? `${text} ${word}` : word
    if (w.confidence < UNSURE_CONFIDENCE) unsure.push({ start, end: start + word.length })
  }
  return { text, unsure }
}
