import { randomUUID } from 'node:crypto'
import type { PartialWord, SttEngine, Transcript } from '../stt/types.js'
import { HttpError } from '../errors.js'
import { AudioInput, bytesPerSecond } from './audio-input.js'
import { Endpointer, FRAME_SAMPLES, TRAILING_QUIET_FRAMES } from './endpointer.js'
import { CLOSE_CODES, StreamError, type CloseReason } from './errors.js'
import { EventQueue } from './events.js'
import type { StreamingMetrics } from './metrics.js'
import { givesPartials, openRecognizer, type UtteranceRecognizer } from './recognizer.js'
import type { CommittedUtterance, FinalCause, OpenStreamOptions, Recorder, StreamEvent, StreamLimits, StreamSession, StreamSettings } from './index.js'

const RATE = 16000
// While speech goes on, the latest partial is repeated at least this often even when the text holds.
const PARTIAL_EVERY_MS = 250

interface SessionDeps {
  resolveEngine(name?: string): SttEngine
  limits: StreamLimits
  metrics?: StreamingMetrics
  recorder?: Recorder
  onError?: (err: unknown, context: string) => void
  onClose(reason: CloseReason): void
}

interface OpenUtterance {
  id: number
  /** 16 kHz samples from the stream start to the utterance's first sample */
  start: number
  samples: number
  /** quiet frames heard since the last loud one, written only if sound follows (some at the end) */
  heldQuiet: Float32Array[]
  recognizer: UtteranceRecognizer | undefined
  lastPartial: string
  /** the last partial's words on the stream clock, mapped once however often the partial is repeated */
  lastPartialWords: PartialWord[]
  lastPartialAt: number
  lastWriteAt: number
}

const round = (s: number) => Math.round(s * 1000) / 1000
const now = () => performance.now()

/** One live stream: bytes in, 20 ms frames through the endpointer, one recognizer per utterance, events out. */
export class Session implements StreamSession {
  readonly id = randomUUID()
  private readonly events = new EventQueue<StreamEvent>()
  private current: OpenUtterance | undefined
  private input: AudioInput
  private endpointer: Endpointer | undefined
  private engineInUse: SttEngine
  private readonly frame = new Float32Array(FRAME_SAMPLES)
  private frameFill = 0
  /** frames heard before an onset, kept for the prefix padding */
  private ring: Float32Array[] = []
  private streamSamples = 0
  private receivedSeconds = 0
  private nextUtterance = 0
  private finals: Promise<void> = Promise.resolve()
  private state: 'open' | 'ending' | 'closed' = 'open'
  private readonly openedAt = now()
  private lastActivity = now()
  private readonly timers: NodeJS.Timeout[] = []
  private ending: Promise<void> | undefined
  /** the whole stream at 16 kHz, as 16-bit samples, when it is recorded */
  private readonly recorded: Int16Array[] | undefined
  private readonly transcript: string[] = []
  /** stands for this stream's channel to the engine, which learns it across utterances; new with a new format */
  private channel = {}
  settings: StreamSettings

  constructor(
    private readonly options: OpenStreamOptions,
    engine: SttEngine,
    private readonly deps: SessionDeps
  ) {
    this.engineInUse = engine
    this.settings = {
      engine: engine.name,
      language: options.language,
      format: options.format,
      turnDetection: options.turnDetection,
      partials: options.partials ?? true,
      liveFinals: options.liveFinals ?? true
    }
    this.input = new AudioInput(options.format)
    this.endpointer = options.turnDetection ? new Endpointer(options.turnDetection) : undefined
    this.recorded = options.record ? [] : undefined
    const { limits } = deps
    this.timers.push(
      setTimeout(
        () =>
          void this.finish(
            'max_duration',
            `The stream reached the longest allowed (${limits.maxSessionSeconds} s) and was closed: open a new stream to go on.`
          ),
        limits.maxSessionSeconds * 1000
      ).unref()
    )
    this.armIdle(limits.idleTimeoutSeconds * 1000)
  }

  get engine() {
    return this.engineInUse.name
  }

  get partials() {
    return givesPartials(this.engineInUse)
  }

  [Symbol.asyncIterator]() {
    return this.events[Symbol.asyncIterator]()
  }

  update(changes: Partial<StreamSettings>): void {
    this.assertOpen()
    this.lastActivity = now()
    if (changes.engine !== undefined && changes.engine !== this.engineInUse.name) this.engineInUse = this.deps.resolveEngine(changes.engine)
    if (changes.format && (changes.format.encoding !== this.settings.format.encoding || changes.format.sampleRate !== this.settings.format.sampleRate)) {
      this.input = new AudioInput(changes.format)
      this.channel = {}
    }
    if (changes.turnDetection !== undefined) {
      if (changes.turnDetection === null) this.endpointer = undefined
      else if (this.endpointer) this.endpointer.update(changes.turnDetection)
      else this.endpointer = new Endpointer(changes.turnDetection)
    }
    this.settings = { ...this.settings, ...changes, engine: this.engineInUse.name }
  }

  write(audio: Uint8Array): number {
    this.assertOpen()
    this.lastActivity = now()
    const { maxBufferedSeconds } = this.deps.limits
    const seconds = audio.length / bytesPerSecond(this.settings.format)
    const elapsed = (now() - this.openedAt) / 1000
    const ahead = this.receivedSeconds + seconds - elapsed
    if (ahead > maxBufferedSeconds) {
      void this.finish(
        'buffer_overflow',
        `Audio arrived ${ahead.toFixed(1)} s ahead of real time, more than the ${maxBufferedSeconds} s allowed: send audio no faster than it plays.`
      )
      return 0
    }
    const samples = this.input.push(audio)
    this.receivedSeconds += seconds
    this.deps.metrics?.audioSeconds.inc({ protocol: this.options.protocol, engine: this.engineInUse.name }, seconds)
    this.feed(samples)
    const slack = maxBufferedSeconds / 2
    return ahead > slack ? Math.ceil((ahead - slack) * 1000) : 0
  }

  commit(): CommittedUtterance | null {
    this.assertOpen()
    this.lastActivity = now()
    this.flushFrame(!this.endpointer)
    return this.endUtterance('commit')
  }

  clear(): void {
    this.assertOpen()
    this.lastActivity = now()
    this.current?.recognizer?.abort()
    this.current = undefined
    this.ring = []
    this.frameFill = 0
    this.endpointer?.reset()
  }

  keepAlive(): void {
    this.lastActivity = now()
  }

  end(): Promise<void> {
    return this.finish('finished', 'The client ended the stream.')
  }

  abort(reason: CloseReason = 'finished', message = 'The client went away.'): void {
    if (this.state === 'closed') return
    this.current?.recognizer?.abort()
    this.current = undefined
    // Nobody is listening any more, but a recorded stream still becomes a call record.
    if (this.recorded) void this.record()
    this.close(reason, message)
  }

  /** Ends the stream after the current utterance's final; every limit ends a stream this way. */
  finish(reason: CloseReason, message: string): Promise<void> {
    if (this.state !== 'open') return this.ending ?? Promise.resolve()
    this.state = 'ending'
    this.ending = (async () => {
      // The resampler's tail and a part frame join an utterance under way, never start one.
      if (this.current) this.feed(this.input.flush())
      this.flushFrame(false)
      this.endUtterance('close')
      await this.finals
      this.close(reason, message, this.recorded && (await this.record()))
    })()
    return this.ending
  }

  /** Hands the recording over; undefined (and an error event) when that fails or there was no audio. */
  private async record(): Promise<string | undefined> {
    const chunks = this.recorded!.splice(0)
    const length = chunks.reduce((n, c) => n + c.length, 0)
    if (length === 0 || !this.deps.recorder) return undefined
    const samples = new Float32Array(length)
    let offset = 0
    for (const c of chunks) for (let i = 0; i < c.length; i++) samples[offset++] = c[i] / 32768
    try {
      return await this.deps.recorder({
        owner: this.options.owner,
        engine: this.engineInUse.name,
        language: this.settings.language,
        samples,
        transcript: this.transcript.join(' ')
      })
    } catch (err) {
      this.deps.onError?.(err, 'recording a stream')
      this.events.push({ type: 'error', code: 'record_failed', message: 'The stream could not be kept as a call record.' })
      return undefined
    }
  }

  private close(reason: CloseReason, message: string, recordId?: string): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    for (const t of this.timers) clearTimeout(t)
    this.events.push({
      type: 'closed',
      reason,
      message,
      closeCode: CLOSE_CODES[reason],
      audioSeconds: round(this.receivedSeconds),
      ...(recordId && { recordId })
    })
    this.events.end()
    this.deps.onClose(reason)
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new StreamError('session_closed', 'The stream has ended: no more audio or commands are accepted on it.')
  }

  private armIdle(ms: number): void {
    const timer = setTimeout(() => {
      this.timers.splice(this.timers.indexOf(timer), 1)
      if (this.state !== 'open') return
      const limit = this.deps.limits.idleTimeoutSeconds * 1000
      const idle = now() - this.lastActivity
      if (idle < limit) return this.armIdle(limit - idle)
      void this.finish('idle_timeout', `No audio or keep-alive arrived for ${this.deps.limits.idleTimeoutSeconds} s, so the stream was closed.`)
    }, ms).unref()
    this.timers.push(timer)
  }

  /** Cuts 16 kHz samples into 20 ms frames; a partial frame waits for the next chunk. */
  private feed(samples: Float32Array): void {
    if (this.recorded && samples.length > 0) {
      const pcm = new Int16Array(samples.length)
      for (let i = 0; i < samples.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768)))
      this.recorded.push(pcm)
    }
    let offset = 0
    while (offset < samples.length) {
      const n = Math.min(FRAME_SAMPLES - this.frameFill, samples.length - offset)
      this.frame.set(samples.subarray(offset, offset + n), this.frameFill)
      this.frameFill += n
      offset += n
      if (this.frameFill === FRAME_SAMPLES) {
        this.frameFill = 0
        this.onFrame(this.frame)
      }
    }
  }

  /** A commit or the end takes the samples of an unfinished frame too. */
  private flushFrame(openIfNone: boolean): void {
    if (this.frameFill === 0) return
    if (!this.current && openIfNone) this.openUtterance(this.streamSamples)
    const rest = this.frame.slice(0, this.frameFill)
    this.streamSamples += rest.length
    this.frameFill = 0
    if (this.current) this.writeHeard(rest, !isDigitalSilence(rest))
  }

  private onFrame(frame: Float32Array): void {
    this.streamSamples += frame.length
    const endpointer = this.endpointer
    if (!endpointer) {
      if (!this.current) this.openUtterance(this.streamSamples - frame.length)
      this.writeToCurrent(frame)
      this.capUtterance()
      return
    }
    const turn = endpointer.frame(frame)
    if (!this.current) {
      this.ring.push(frame.slice())
      if (this.ring.length > endpointer.onsetFrames) this.ring.shift()
      if (turn !== 'started') return
      while (this.ring.length > 1 && isDigitalSilence(this.ring[0]!)) this.ring.shift()
      const u = this.openUtterance(this.streamSamples - this.ring.length * FRAME_SAMPLES)
      for (const f of this.ring) this.writeToCurrent(f)
      this.ring = []
      this.events.push({ type: 'speech_started', utterance: u.id, at: round(u.start / RATE) })
      return
    }
    this.writeHeard(frame, endpointer.heard)
    if (turn === 'stopped') {
      this.events.push({ type: 'speech_stopped', utterance: this.current.id, at: round(this.streamSamples / RATE) })
      this.endUtterance('endpoint')
    } else this.capUtterance()
  }

  private capUtterance(): void {
    if (this.current && this.current.samples >= this.deps.limits.maxUtteranceSeconds * RATE) {
      if (this.endpointer?.speaking) this.events.push({ type: 'speech_stopped', utterance: this.current.id, at: round(this.streamSamples / RATE) })
      this.endpointer?.reset()
      this.endUtterance('max_utterance')
    }
  }

  private openUtterance(start: number): OpenUtterance {
    const u: OpenUtterance = {
      id: this.nextUtterance++,
      start,
      samples: 0,
      heldQuiet: [],
      recognizer: undefined,
      lastPartial: '',
      lastPartialWords: [],
      lastPartialAt: now(),
      lastWriteAt: now()
    }
    const wantPartials = this.settings.partials !== false && givesPartials(this.engineInUse)
    try {
      u.recognizer = openRecognizer(this.engineInUse, {
        language: this.settings.language,
        onPartial: wantPartials ? (text, words) => this.partial(u, text, words) : undefined,
        wholeClipFinal: !this.settings.liveFinals,
        channel: this.channel,
        narrowband: this.settings.format.sampleRate === 8000
      })
    } catch (err) {
      this.events.push({ type: 'error', utterance: u.id, ...describe(err) })
    }
    this.current = u
    return u
  }

  /**
   * With server VAD, the quiet after an utterance's last sound reaches the recognizer only up to
   * TRAILING_QUIET_FRAMES, and digital silence (exact zeros: a muted microphone, a telephony bridge
   * suppressing silence) not at all at its edges. Sphinx places its speech threshold from the quietest
   * tenth of what it is given; half a second of closing silence, quieter than the line noise around the
   * words, drops that threshold so the noise is decoded as speech (real recordings on the dev set: 2x the
   * word errors of the same clips uploaded). Quiet inside the utterance is written once sound follows it,
   * keeping words on time. A client that commits its own turns gets the audio it sent, as it sent it.
   */
  private writeHeard(samples: Float32Array, loud: boolean): void {
    const u = this.current!
    if (this.endpointer && !loud) {
      u.heldQuiet.push(samples.slice())
      return
    }
    for (const s of u.heldQuiet.splice(0)) this.writeToCurrent(s)
    this.writeToCurrent(samples)
  }

  /** The start of the quiet after the last sound, as word endings need; zeros end it. */
  private writeTrailingQuiet(): void {
    const u = this.current
    if (!u) return
    for (const s of u.heldQuiet.splice(0, TRAILING_QUIET_FRAMES)) {
      if (isDigitalSilence(s)) break
      this.writeToCurrent(s)
    }
  }

  private writeToCurrent(samples: Float32Array): void {
    const u = this.current!
    u.samples += samples.length
    u.recognizer?.write(samples)
    u.lastWriteAt = now()
    if (u.lastPartial && u.lastWriteAt - u.lastPartialAt >= PARTIAL_EVERY_MS) this.emitPartial(u)
  }

  private partial(u: OpenUtterance, text: string, words: PartialWord[]): void {
    if (this.current !== u || !text || text === u.lastPartial) return
    u.lastPartial = text
    const start = u.start / RATE
    u.lastPartialWords = words.map((w) => ({ word: w.word, start: round(start + w.start), end: round(start + w.end) }))
    this.deps.metrics?.partialLatency.observe({ engine: this.engineInUse.name }, (now() - u.lastWriteAt) / 1000)
    this.emitPartial(u)
  }

  private emitPartial(u: OpenUtterance): void {
    u.lastPartialAt = now()
    const start = u.start / RATE
    this.events.push({
      type: 'partial',
      utterance: u.id,
      text: u.lastPartial,
      start: round(start),
      end: round((u.start + u.samples) / RATE),
      words: u.lastPartialWords
    })
  }

  private endUtterance(cause: FinalCause): CommittedUtterance | null {
    this.writeTrailingQuiet()
    const u = this.current
    if (!u) return null
    this.current = undefined
    if (u.samples === 0) {
      u.recognizer?.abort()
      return null
    }
    const committedAt = now()
    const engine = this.engineInUse.name
    const result: Promise<Transcript> = u.recognizer ? u.recognizer.finish() : Promise.reject(new StreamError('engine_error', 'The engine could not start.'))
    result.catch(() => undefined)
    const start = u.start / RATE
    const end = (u.start + u.samples) / RATE
    this.finals = this.finals.then(async () => {
      try {
        const t = await result
        const words = t.words.map((w) => ({ ...w, start: round(start + w.start), end: round(start + w.end) }))
        const confidence = words.length ? round(words.reduce((s, w) => s + w.confidence, 0) / words.length) : 0
        this.deps.metrics?.finalLatency.observe({ engine }, (now() - committedAt) / 1000)
        if (t.text) this.transcript.push(t.text)
        this.events.push({ type: 'final', utterance: u.id, text: t.text, start: round(start), end: round(end), words, confidence, cause })
      } catch (err) {
        // The utterance that never got a recognizer already reported why.
        if (u.recognizer) this.events.push({ type: 'error', utterance: u.id, ...describe(err) })
      }
    })
    return { utterance: u.id, start: round(start), end: round(end) }
  }
}

function isDigitalSilence(samples: Float32Array): boolean {
  for (let i = 0; i < samples.length; i++) if (samples[i] !== 0) return false
  return true
}

function describe(err: unknown): { code: string; message: string } {
  // Errors made for clients carry a stable code and a message meant to be read; anything else stays in the logs.
  if (err instanceof StreamError || err instanceof HttpError) return { code: err.code, message: err.message }
  return { code: 'engine_error', message: 'The speech engine failed on this utterance.' }
}
