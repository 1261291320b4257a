import type { FastifyBaseLogger } from 'fastify'
import { HttpError } from '../../errors.js'
import type { ClientMessage, OutgoingEvent, ServerEvent } from '../../schemas/coach-ws.js'
import { StreamError, type StreamEvent, type StreamSession } from '../../streaming/index.js'
import type { Question } from '../questions.js'
import type { SessionService } from '../sessions.js'
import type { CoachWord } from '../types.js'

/** What one live session needs from the rest of the server; tests of the flow can pass their own. */
export interface LiveDeps {
  sessions: Pick<SessionService, 'start' | 'answer' | 'end'>
  /** speaks an examiner line; `inline` asks for the file's bytes too */
  speak(text: string, inline: boolean): Promise<{ url: string; format: string; audio?: Buffer }>
  /** opens a live transcription stream (commit-driven: one commit is one answer) */
  openStream(userId: string, sampleRate: 8000 | 16000 | 24000 | 48000): Promise<StreamSession>
  /** the deep analysis' state, polled after the session ends */
  analysis(sessionId: string): Promise<{ id: string; status: string; error: string | null } | null>
  log: FastifyBaseLogger
  /** how often the analysis state is read after the end */
  pollMs?: number
}

/** Where server events go while a client is connected. */
export interface LiveConnection {
  send(event: ServerEvent): void
  close(code: number, reason: string): void
}

export const PART2_PREPARE_SECONDS = 60
export const PART2_MAX_TALK_SECONDS = 120
const CLOSING_LINE = 'Thank you. That is the end of the speaking test.'

/** An examiner line as the learner hears it: a cue card is read with its points. */
export const spokenQuestion = (q: Question) => (q.cues ? `${q.text} You should say: ${q.cues.join('; ')}.` : q.text)

/**
 * One coach session held live: the examiner's script, answers from the streaming core stored as
 * learner turns, the end with its summary and analysis. It outlives its connections: events are
 * numbered and kept, so a client that lost its connection reattaches and replays what it missed,
 * and answers committed before a drop are still stored.
 */
export class LiveCoachSession {
  /** every event worth replaying, in seq order */
  private readonly kept: ServerEvent[] = []
  private nextSeq = 1
  private connection: LiveConnection | undefined
  /**
   * Whether the connection has caught up (it started the session, or resumed it). Until then kept events
   * wait for its session.resume, which replays them in order: an answer stored between a reconnect and its
   * resume would otherwise reach the client twice, once live and once in the replay.
   */
  private synced = false
  private stream: StreamSession | undefined
  private streamOpening: Promise<StreamSession> | undefined
  private pumping: Promise<void> = Promise.resolve()
  private held: Uint8Array[] = []
  /** PCM16 of the answer under way, kept with the answer for its pronunciation */
  private recording: Uint8Array[] = []
  /** recordings of committed answers whose transcript has not arrived yet, oldest first */
  private committed: Array<{ chunks: Uint8Array[]; sampleRate: number }> = []
  private sampleRate: 8000 | 16000 | 24000 | 48000 = 16000
  private inline = false
  private started = false
  private state: 'live' | 'ending' | 'ended' = 'live'
  private pending: Question | null = null
  /** words of an answer the core cut at its utterance limit, joined with the rest at the commit */
  private partial: { text: string[]; words: CoachWord[] } = { text: [], words: [] }
  /** domain calls run one at a time, in the order the client asked for them */
  private work: Promise<void> = Promise.resolve()
  /** set once the analysis is ready (or failed), or the server closes: nothing more will happen */
  finishedAt: number | undefined

  constructor(
    readonly userId: string,
    readonly sessionId: string,
    private readonly deps: LiveDeps
  ) {}

  /** A new connection takes over; the one before it is told why it was closed. */
  attach(connection: LiveConnection): void {
    this.connection?.close(4409, 'Replaced by a newer connection to this session.')
    this.connection = connection
    this.synced = false
  }

  /** The client went away: what it committed still gets transcribed and stored; new audio waits for it to come back. */
  detach(connection: LiveConnection): void {
    if (this.connection !== connection) return
    this.connection = undefined
    this.held = []
    this.recording = []
    // An answer cut off by the drop is asked again on resume, so its audio is dropped, not stored half-said.
    try {
      this.stream?.clear()
      void this.stream?.end()
    } catch (err) {
      // A stream that ended on its own has nothing to drop.
      if (!(err instanceof StreamError)) throw err
    }
  }

  handle(message: ClientMessage): void {
    switch (message.type) {
      case 'ping':
        this.stream?.keepAlive()
        return this.emit({ type: 'pong' }, false)
      case 'audio.config':
        this.sampleRate = message.sample_rate
        this.stream?.update({ format: { encoding: 'pcm16', sampleRate: message.sample_rate } })
        return
      case 'audio.append':
        return this.audio(Buffer.from(message.audio, 'base64'))
      case 'audio.commit':
        return this.commit()
      case 'session.start':
        this.inline = message.inline_audio ?? this.inline
        return this.queue(() => this.start())
      case 'session.resume':
        return this.queue(() => this.resume(message.last_seq))
      case 'session.end':
        return this.queue(() => this.end())
    }
  }

  /** Refuses what the client sent (bad JSON, unknown type...); the session goes on. */
  refuse(code: string, message: string): void {
    this.emit({ type: 'error', code, message }, false)
  }

  audio(bytes: Uint8Array): void {
    if (!this.live('Audio')) return
    if (bytes.length === 0) return
    this.recording.push(bytes)
    if (this.stream) return this.write(this.stream, bytes)
    this.held.push(bytes)
    void this.openStream()
  }

  private live(what: string): boolean {
    if (this.state !== 'live') this.refuse('session_ended', `${what} arrived after session.end: this session has ended.`)
    else if (!this.started) this.refuse('not_started', `${what} arrived before session.start: start (or resume) the session first.`)
    else return true
    return false
  }

  private write(stream: StreamSession, bytes: Uint8Array): void {
    try {
      stream.write(bytes)
    } catch (err) {
      if (err instanceof StreamError) this.refuse(err.code, err.message)
      else throw err
    }
  }

  private commit(): void {
    if (!this.live('audio.commit')) return
    if (!this.stream && this.held.length === 0) return this.refuse('empty_commit', 'Nothing to commit: send the answer’s audio first.')
    this.committed.push({ chunks: this.recording.splice(0), sampleRate: this.sampleRate })
    // Audio still waiting for the stream to open is committed once it is written.
    if (!this.stream) return void this.openStream().then((s) => this.commitOn(s))
    this.commitOn(this.stream)
  }

  private commitOn(stream: StreamSession): void {
    try {
      if (!stream.commit()) {
        this.committed.pop()
        this.refuse('empty_commit', 'Nothing to commit: send the answer’s audio first.')
      }
    } catch (err) {
      this.committed.pop()
      if (err instanceof StreamError) this.refuse(err.code, err.message)
      else throw err
    }
  }

  private openStream(): Promise<StreamSession> {
    this.streamOpening ??= this.deps
      .openStream(this.userId, this.sampleRate)
      .then((s) => {
        this.stream = s
        const held = this.held.splice(0)
        for (const bytes of held) this.write(s, bytes)
        this.pumping = this.pump(s)
        return s
      })
      .catch((err: unknown) => {
        this.held = []
        this.failure(err, 'opening a transcription stream')
        throw err
      })
      .finally(() => (this.streamOpening = undefined))
    return this.streamOpening
  }

  private async pump(stream: StreamSession): Promise<void> {
    for await (const e of stream) this.onStreamEvent(stream, e)
  }

  private onStreamEvent(stream: StreamSession, e: StreamEvent): void {
    switch (e.type) {
      case 'partial':
        // Partials are superseded within a second: they are not worth replaying.
        return this.emit({ type: 'stt.partial', text: e.text }, false)
      case 'final': {
        const words = e.words.map((w) => ({ word: w.word, confidence: w.confidence, start: round(w.start - e.start), end: round(w.end - e.start) }))
        const offset = this.partial.words.at(-1)?.end ?? 0
        this.partial.words.push(...words.map((w) => ({ ...w, start: round(w.start + offset), end: round(w.end + offset) })))
        if (e.text) this.partial.text.push(e.text)
        if (e.cause === 'max_utterance') return
        const answer = { text: this.partial.text.join(' '), words: this.partial.words, audio: this.takeRecording() }
        this.partial = { text: [], words: [] }
        return this.queue(() => this.answer(answer))
      }
      case 'error':
        return this.emit({ type: 'error', code: e.code, message: e.message })
      case 'closed':
        if (this.stream === stream) this.stream = undefined
        // An idle stream closes while the learner listens or prepares; the next audio opens another.
        if (e.reason !== 'finished' && e.reason !== 'idle_timeout') this.emit({ type: 'error', code: e.reason, message: e.message })
    }
  }

  /** The recording of the answer whose transcript just arrived: the oldest committed one, else what was said since. */
  private takeRecording(): { pcm: Int16Array; sampleRate: number } | undefined {
    const r = this.committed.shift() ?? { chunks: this.recording.splice(0), sampleRate: this.sampleRate }
    const bytes = Buffer.concat(r.chunks)
    if (bytes.length < 2) return undefined
    // A copy, so the samples are aligned whatever the frames' offsets were.
    const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~1)))
    return { pcm, sampleRate: r.sampleRate }
  }

  private async start(): Promise<void> {
    if (this.started) return this.refuse('already_started', 'This session has started: after a dropped connection send session.resume with last_seq.')
    const question = await this.deps.sessions.start(this.userId, this.sessionId)
    this.started = true
    this.synced = true
    this.emit({ type: 'session.started', session_id: this.sessionId })
    await this.ask(question)
  }

  private async resume(lastSeq: number): Promise<void> {
    if (lastSeq >= this.nextSeq) {
      return this.refuse('bad_last_seq', `last_seq ${lastSeq} is ahead of this session's events (the latest is ${this.nextSeq - 1}).`)
    }
    if (this.kept.length === 0 && !this.started) {
      // This process never held the session (a restart, or another instance): what it sent is gone, the session is not.
      const question = await this.deps.sessions.start(this.userId, this.sessionId)
      this.nextSeq = lastSeq + 1
      this.started = true
      this.synced = true
      this.refuse('replay_unavailable', 'The events before this connection are no longer kept; the session goes on with the pending question.')
      return this.ask(question)
    }
    for (const e of this.kept) if (e.seq > lastSeq) this.connection?.send(e)
    this.synced = true
    // A session that finished while the client was away has nothing more to send.
    if (this.finishedAt !== undefined) this.connection?.close(1000, 'Session analysed.')
  }

  private async ask(question: Question | null): Promise<void> {
    this.pending = question
    const text = question ? spokenQuestion(question) : CLOSING_LINE
    const questionId = question?.id ?? null
    this.emit({
      type: 'ai.reply',
      text,
      question_id: questionId,
      part: question?.part ?? 3,
      ...(question?.part === 2 && { prepare_seconds: PART2_PREPARE_SECONDS, max_talk_seconds: PART2_MAX_TALK_SECONDS })
    })
    try {
      const speech = await this.deps.speak(text, this.inline)
      this.emit({
        type: 'tts.audio',
        question_id: questionId,
        url: speech.url,
        format: speech.format,
        ...(speech.audio && { audio: speech.audio.toString('base64') })
      })
    } catch (err) {
      // The question stands in text; a missing voice must not stop the test.
      this.failure(err, 'speaking the examiner’s question')
    }
  }

  private async answer(answer: { text: string; words: CoachWord[]; audio?: { pcm: Int16Array; sampleRate: number } }): Promise<void> {
    this.emit({ type: 'stt.final', text: answer.text, words: answer.words, question_id: this.pending?.id ?? null })
    if (answer.words.length === 0) return this.refuse('no_speech', 'No words were recognised in this answer: answer the question again.')
    if (this.state === 'ended') return
    const { next } = await this.deps.sessions.answer(this.userId, this.sessionId, answer)
    if (this.state === 'live') await this.ask(next)
  }

  private async end(): Promise<void> {
    if (this.state !== 'live') return this.refuse('session_ended', 'session.end was already received: wait for session.analysis_ready.')
    this.state = 'ending'
    // The answer under way is transcribed and stored before the summary is made.
    await this.stream?.end()
    await this.pumping
    this.queue(async () => {
      const summary = await this.deps.sessions.end(this.userId, this.sessionId)
      this.state = 'ended'
      this.emit({ type: 'session.summary_ready', summary })
      void this.watchAnalysis()
    })
  }

  private async watchAnalysis(): Promise<void> {
    const every = this.deps.pollMs ?? 250
    while (this.finishedAt === undefined) {
      const a = await this.deps.analysis(this.sessionId).catch(() => null)
      if (a?.status === 'completed') this.emit({ type: 'session.analysis_ready', analysis_id: a.id })
      else if (a?.status === 'failed')
        this.emit({ type: 'error', code: 'analysis_failed', message: `The deep analysis failed: ${a.error ?? 'unknown reason'}.` })
      else {
        await new Promise((r) => setTimeout(r, every))
        continue
      }
      this.finishedAt = Date.now()
      this.connection?.close(1000, 'Session analysed.')
      return
    }
  }

  /** The server is closing: the stream stops, the analysis is no longer watched (a resume after restart reads it from the REST API). */
  dispose(): void {
    this.finishedAt ??= Date.now()
    this.stream?.abort('server_shutdown', 'The server is shutting down.')
  }

  private queue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((err: unknown) => this.failure(err, 'a session step'))
  }

  private failure(err: unknown, context: string): void {
    if (err instanceof HttpError || err instanceof StreamError) return this.refuse(err.code, err.message)
    this.deps.log.error({ err, sessionId: this.sessionId }, `live coach: ${context} failed`)
    this.refuse('internal_error', `The server failed at ${context}; the failure was logged.`)
  }

  private emit(event: OutgoingEvent, keep = true): void {
    const numbered = { ...event, seq: this.nextSeq++ } as ServerEvent
    if (keep) this.kept.push(numbered)
    // Replies to this connection's own messages (errors, pongs) and partials go out at once; kept events
    // reach a connection that has not resumed yet through the replay.
    if (!keep || this.synced) this.connection?.send(numbered)
  }
}

const round = (s: number) => Math.round(s * 1000) / 1000
