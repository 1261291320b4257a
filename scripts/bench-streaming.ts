/**
 * Live-transcription benchmark: plays synthesized recordings into the Deepgram-compatible
 * WebSocket at real-time pace (20 ms frames) and measures, per engine that can run here:
 *   - first-partial latency from the speech onset in the audio, final latency from the speech end and
 *     from the endpoint (the moment the server's VAD has heard enough silence and commits the
 *     utterance: speech end + the endpointing silence), p50 / p95 over every utterance,
 *   - WER of the streamed finals and of the same files transcribed whole (POST /v1/listen), both
 *     against the script, so the streaming cost in accuracy is their difference; the same on the real
 *     recordings of .devset/ when it is built (scripts/streaming-devset.ts),
 *   - server CPU seconds per audio second, streamed and whole-file (the baseline, same run),
 *   - concurrent real-time streams sustained before the p95 first-partial latency passes 1 s (an utterance
 *     that gets no partial before its final counts as past it). Each level's streams arrive one every
 *     --stagger-ms (default 1000), as callers reach a service, not all in the same millisecond; decoder
 *     threads started by a level stay for the next (STREAM_DECODER_IDLE_MS). Each level also prints the
 *     whole machine's busy cores (other processes included: a shared machine saturates before this
 *     process does) and the event-loop delay of the thread every stream's frames pass through.
 * The server runs in this process (its worker threads count in process CPU time); the client side
 * only sends frames and parses JSON.
 *
 *   npm run bench:streaming [-- --utterances 24 --max-streams 16 --budget-seconds 300 --stagger-ms 1000 --no-devset --one-voice --verbose]
 * --max-streams 0 skips the concurrency ramp; --verbose prints each utterance whose streamed finals differ
 * from its words in the whole-file transcript.
 */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import WebSocket from 'ws'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { normalizeWords, wordErrors } from '../src/stt/wer.js'
import { concatWavs, makeNoise, synthesize, type Voice } from '../test/fixtures/speech.js'
import { realRecordings } from './streaming-devset.js'

const sentences = [
  'Thank you for calling customer support, my name is Sarah.',
  'Could you please tell me the account number on your last bill?',
  'I am sorry to hear that your order arrived late.',
  'The package was sent on Monday and should reach you this week.',
  'I would like to change the address on my account.',
  'Is there anything else I can help you with today?',
  'Please hold the line while I transfer you to billing.',
  'My internet connection keeps dropping every evening.',
  'We can offer you a refund or a replacement.',
  'I have been waiting on hold for twenty minutes.',
  'The new price will appear on your next statement.',
  'Good morning, I am calling about the letter I received.',
  'Let me read that back to you to make sure it is right.',
  'We are open from nine in the morning until six.',
  'What time would be best for the engineer to visit?',
  'Your payment has been received and your account is up to date.',
  'She went to the market to buy some fresh bread.',
  'The weather was cold and rainy, so we stayed at home.',
  'Can you recommend a good restaurant near the station?',
  'I usually drink a cup of coffee before I start working.',
  'We should have a meeting next week about the project.',
  'The children were playing in the garden after school.',
  'If you have any questions, please send us an email.',
  'Thank you for your patience, and have a wonderful day.'
]
const voices: Voice[] = ['slt', 'rms', 'awb']
const FRAME_MS = 20
const FRAME_BYTES = 640 // 20 ms of 16 kHz PCM16
const LEAD_SILENCE = 0.6
const GAP_SILENCE = 1.5

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const utteranceCount = Math.max(20, arg('utterances', 24))
const utterancesPerStream = 4
const maxStreams = arg('max-streams', 16)
const budgetSeconds = arg('budget-seconds', 300)
const staggerMs = arg('stagger-ms', 1000)
const verbose = process.argv.includes('--verbose')
const startedAt = performance.now()
const overBudget = () => (performance.now() - startedAt) / 1000 > budgetSeconds

interface Spoken {
  text: string
  /** seconds from the stream start */
  onset: number
  end: number
}
interface StreamAudio {
  pcm: Buffer
  wav: Buffer
  spoken: Spoken[]
}

function pcmOf(wav: Buffer): Buffer {
  const data = wav.indexOf('data', 12)
  return wav.subarray(data + 8, data + 8 + wav.readUInt32LE(data + 4))
}

/** First and last 20 ms frame louder than -40 dBFS: where speech starts and ends in a synthesized clip. */
function speechSpan(pcm: Buffer): { onset: number; end: number } {
  let first = -1
  let last = -1
  for (let f = 0; f * FRAME_BYTES < pcm.length; f++) {
    let sum = 0
    let n = 0
    for (let i = f * FRAME_BYTES; i + 1 < Math.min(pcm.length, (f + 1) * FRAME_BYTES); i += 2, n++) sum += (pcm.readInt16LE(i) / 32768) ** 2
    if (n && 10 * Math.log10(sum / n + 1e-12) > -40) {
      if (first < 0) first = f
      last = f
    }
  }
  return { onset: (first * FRAME_MS) / 1000, end: ((last + 1) * FRAME_MS) / 1000 }
}

/**
 * By default the voice changes with every utterance of a stream: each later utterance starts from the
 * channel the engine learned from other voices, the hard case for a live decoder (a call's two sides on one
 * line). With --one-voice each stream keeps one voice, as a dictation app or one side of a call sends.
 */
const oneVoice = process.argv.includes('--one-voice')
const voiceOf = (stream: number, utterance: number) => voices[(oneVoice ? stream : stream * utterancesPerStream + utterance) % voices.length]!

/** Streams of `utterancesPerStream` sentences each, separated by silence, with each sentence's true onset and end. */
async function buildStreams(): Promise<StreamAudio[]> {
  const lead = await makeNoise(LEAD_SILENCE)
  const gap = await makeNoise(GAP_SILENCE)
  const streams: StreamAudio[] = []
  for (let s = 0; s * utterancesPerStream < utteranceCount; s++) {
    const parts = [lead]
    const spoken: Spoken[] = []
    let t = LEAD_SILENCE
    for (let u = 0; u < utterancesPerStream && s * utterancesPerStream + u < utteranceCount; u++) {
      const i = s * utterancesPerStream + u
      const text = sentences[i % sentences.length]!
      const path = await synthesize(text, { voice: voiceOf(s, u) })
      const pcm = pcmOf(readFileSync(path))
      const span = speechSpan(pcm)
      spoken.push({ text, onset: t + span.onset, end: t + span.end })
      t += pcm.length / 32000 + GAP_SILENCE
      parts.push(path, gap)
    }
    const wav = readFileSync(await concatWavs(parts, `bench-streaming-${utteranceCount}-${oneVoice ? 'one-voice-' : ''}${s}`))
    streams.push({ wav, pcm: pcmOf(wav), spoken })
  }
  return streams
}

interface StreamResult {
  firstPartial: number[]
  final: number[]
  /** final latency from the endpoint (commit) */
  finalAfterCommit: number[]
  finals: string[]
  /** the finals each utterance got, by the same attribution as the latencies */
  finalsBy: string[][]
  spoken: Spoken[]
  closeCode: number
}

/** How a protocol's client dials, starts and ends a stream, and which of its messages are partials and finals. */
interface Protocol {
  name: string
  note: string
  url(wsBase: string, engine: string): string
  /** sends what the protocol needs before audio; resolves when the server is ready for it */
  start(ws: WebSocket): Promise<void>
  frame(pcm: Buffer): string | Buffer
  end(ws: WebSocket): void
  /**
   * text and audio span (seconds) of a partial or final, or null for other messages; a final's
   * `committedAt` is where the utterance was cut (stream seconds)
   */
  read(message: any): { kind: 'partial' | 'final'; text: string; start: number; end: number; committedAt?: number } | null
}

/**
 * Deepgram's own default endpointing is 10 ms (the server takes at least 100); 300 ms is what its docs
 * suggest for conversation and what many users set.
 */
const DEEPGRAM_ENDPOINTING_MS = 300
// OpenAI's server_vad default.
const OPENAI_SILENCE_MS = 500

const deepgram: Protocol = {
  name: 'deepgram (/v1/listen)',
  note: `partials are interim results while the speaker talks; endpointing=${DEEPGRAM_ENDPOINTING_MS}`,
  url: (wsBase, engine) =>
    `${wsBase}/v1/listen?model=${engine}&encoding=linear16&sample_rate=16000&channels=1&interim_results=true&endpointing=${DEEPGRAM_ENDPOINTING_MS}`,
  start: async () => undefined,
  frame: (pcm) => pcm,
  end: (ws) => ws.send(JSON.stringify({ type: 'CloseStream' })),
  read: (m) => {
    if (m.type !== 'Results' || !m.channel.alternatives[0].transcript) return null
    const end = m.start + m.duration
    return { kind: m.is_final ? 'final' : 'partial', text: m.channel.alternatives[0].transcript, start: m.start, end, committedAt: end }
  }
}

/** OpenAI Realtime streams an item's deltas once it is committed, so its "first partial" is the first delta. */
function openAi(): Protocol {
  const itemStart = new Map<string, number>()
  const itemEnd = new Map<string, number>()
  return {
    name: 'openai realtime (/v1/realtime)',
    note: `partials are the first transcription delta, sent once the VAD commits the item; silence_duration_ms=${OPENAI_SILENCE_MS}`,
    url: (wsBase, engine) => `${wsBase}/v1/realtime?intent=transcription&model=${engine}`,
    // The session is configured once the server has created it; audio waits for session.updated.
    start: (ws) =>
      new Promise<void>((resolve) => {
        const update = {
          type: 'session.update',
          session: {
            type: 'transcription',
            audio: {
              input: {
                format: { type: 'audio/pcm', rate: 16000 },
                turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: OPENAI_SILENCE_MS }
              }
            }
          }
        }
        const onMessage = (data: WebSocket.RawData) => {
          const type = JSON.parse(data.toString()).type
          if (type === 'session.created') ws.send(JSON.stringify(update))
          if (type === 'session.updated' || type === 'error') {
            ws.off('message', onMessage)
            resolve()
          }
        }
        ws.on('message', onMessage)
      }),
    frame: (pcm) => JSON.stringify({ type: 'input_audio_buffer.append', audio: pcm.toString('base64') }),
    // The protocol has no end-of-stream message: the client closes once the last transcript can have come.
    end: (ws) => setTimeout(() => ws.close(1000), 10_000).unref(),
    read: (m) => {
      if (m.type === 'input_audio_buffer.speech_started') itemStart.set(m.item_id, m.audio_start_ms / 1000)
      if (m.type === 'input_audio_buffer.speech_stopped') itemEnd.set(m.item_id, m.audio_end_ms / 1000)
      const at = itemStart.get(m.item_id)
      if (at === undefined) return null
      if (m.type === 'conversation.item.input_audio_transcription.delta') return { kind: 'partial', text: m.delta, start: at, end: at }
      if (m.type === 'conversation.item.input_audio_transcription.completed') {
        return { kind: 'final', text: m.transcript, start: at, end: at, committedAt: itemEnd.get(m.item_id) }
      }
      return null
    }
  }
}

/** Plays one stream in real time into a protocol's socket and times each utterance's first partial and final. */
function play(protocol: Protocol, wsBase: string, engine: string, audio: StreamAudio): Promise<StreamResult> {
  const ws = new WebSocket(protocol.url(wsBase, engine))
  const result: StreamResult = {
    firstPartial: [],
    final: [],
    finalAfterCommit: [],
    finals: [],
    finalsBy: audio.spoken.map(() => []),
    spoken: audio.spoken,
    closeCode: 0
  }
  let t0 = 0
  const audioNow = () => (performance.now() - t0) / 1000
  // A message belongs to the utterance its audio overlaps, else to the one starting nearest.
  const which = (start: number, end: number) => {
    let best = 0
    for (let i = 0; i < audio.spoken.length; i++) {
      const s = audio.spoken[i]!
      if (Math.min(end, s.end + 0.5) - Math.max(start, s.onset - 0.5) >= 0) return i
      if (Math.abs(s.onset - start) < Math.abs(audio.spoken[best]!.onset - start)) best = i
    }
    return best
  }
  ws.on('message', (data) => {
    const m = protocol.read(JSON.parse(data.toString()))
    if (!m || !m.text) return
    const i = which(m.start, m.end)
    if (m.kind === 'partial') result.firstPartial[i] ??= audioNow() - audio.spoken[i]!.onset
    else {
      result.final[i] ??= audioNow() - audio.spoken[i]!.end
      if (m.committedAt !== undefined) result.finalAfterCommit[i] ??= audioNow() - m.committedAt
      result.finals.push(m.text)
      result.finalsBy[i]!.push(m.text)
    }
  })
  const stream = async () => {
    await protocol.start(ws)
    t0 = performance.now()
    for (let i = 0, n = 0; i < audio.pcm.length; i += FRAME_BYTES, n++) {
      if (ws.readyState !== ws.OPEN) return
      ws.send(protocol.frame(audio.pcm.subarray(i, i + FRAME_BYTES)))
      const due = t0 + (n + 1) * FRAME_MS - performance.now()
      if (due > 0) await new Promise((r) => setTimeout(r, due))
    }
    if (ws.readyState === ws.OPEN) protocol.end(ws)
  }
  return new Promise((resolve, reject) => {
    ws.on('error', reject)
    ws.on('close', (code) => resolve({ ...result, closeCode: code }))
    ws.on('open', () => void stream())
  })
}

/** Whether the server speaks this protocol: a route that is not there refuses the upgrade. */
async function reachable(protocol: Protocol, wsBase: string, engine: string): Promise<boolean> {
  const ws = new WebSocket(protocol.url(wsBase, engine))
  return new Promise((resolve) => {
    ws.on('open', () => {
      ws.close()
      resolve(true)
    })
    ws.on('error', () => resolve(false))
  })
}

interface WholeWord {
  word: string
  start: number
  end: number
}

/** A whole-file transcript's words split by the utterance each lies nearest to. */
function wordsByUtterance(spoken: Spoken[], words: WholeWord[]): string[] {
  const by = spoken.map((): string[] => [])
  for (const w of words) {
    const mid = (w.start + w.end) / 2
    const distance = (u: Spoken) => Math.max(u.onset - mid, mid - u.end, 0)
    let best = 0
    for (let i = 1; i < spoken.length; i++) if (distance(spoken[i]!) < distance(spoken[best]!)) best = i
    by[best]!.push(w.word)
  }
  return by.map((ws) => ws.join(' '))
}

/** Each utterance whose streamed finals read differently from its words in the whole-file transcript. */
function printDifferences(runs: StreamResult[], wholeBy: string[][]) {
  runs.forEach((r, s) =>
    r.spoken.forEach((u, i) => {
      const streamed = r.finalsBy[i]!.join(' ')
      const inWhole = wholeBy[s]![i]!
      if (normalizeWords(streamed).join(' ') === normalizeWords(inWhole).join(' ')) return
      const errors = (hyp: string) => wordErrors(u.text, hyp).errors
      console.log(`    stream ${s} utterance ${i} (${voiceOf(s, i)}): ${u.text}`)
      console.log(`      whole file (${errors(inWhole)} errors): ${inWhole}`)
      console.log(`      streamed   (${errors(streamed)} errors): ${streamed}`)
    })
  )
}

const pct = (xs: number[], p: number) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN
}
/** as pct, with missing values (Infinity) ranked above every other */
const pctWithMissing = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN
}
const missing = (xs: number[]) => xs.filter((x) => !Number.isFinite(x)).length
const cores = availableParallelism()
const ms = (s: number) => (Number.isFinite(s) ? `${Math.round(s * 1000)} ms` : s === Infinity ? 'never' : 'n/a')
/** Busy and total jiffies of the whole machine (every process, this one included), from /proc/stat. */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    // user nice system idle iowait irq softirq steal; guest time is already inside user and nice.
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
    const total = fields.reduce((a, b) => a + b, 0)
    return { busy: total - fields[3]! - fields[4]!, total }
  } catch {
    return undefined
  }
}
const cpuSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

async function main() {
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    AUTH_MODE: 'optional',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_DAY: '100000',
    // The ramp opens many streams from one address; the per-user and per-minute limits would refuse them.
    STREAM_MAX_SESSIONS_PER_USER: '1000',
    STREAM_MAX_SESSIONS: '1000',
    STREAM_CONNECTS_PER_MINUTE: '100000',
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0'
  })
  const app = await buildApp({ config, logger: false, db: { inMemory: !config.DATABASE_URL } })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const wsBase = base.replace('http', 'ws')
  const streams = await buildStreams()
  const audioSeconds = streams.reduce((s, a) => s + a.pcm.length / 32000, 0)
  console.log(
    `bench:streaming  ${streams.length} streams, ${utteranceCount} utterances, ${audioSeconds.toFixed(1)} s of audio, 20 ms frames at real-time pace, ${oneVoice ? 'one voice per stream' : 'the voice changing every utterance'}`
  )

  const engines = (await app.stt.status()).filter((e) => {
    if (!e.available) console.log(`  engine ${e.name}: skipped (${e.reason ?? 'not available here'})`)
    return e.available
  })
  for (const { name: engine } of engines) {
    // Baseline: the same files transcribed whole, one at a time.
    const wholeCpu0 = cpuSeconds()
    const whole: string[] = []
    // each utterance's words in the whole-file transcript, for --verbose
    const wholeBy: string[][] = []
    for (const s of streams) {
      const res = await fetch(`${base}/v1/listen?model=${engine}`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: new Uint8Array(s.wav) })
      const body = (await res.json()) as { results: { channels: { alternatives: { transcript: string; words: WholeWord[] }[] }[] } }
      const alternative = body.results.channels[0]!.alternatives[0]!
      whole.push(alternative.transcript)
      wholeBy.push(wordsByUtterance(s.spoken, alternative.words))
    }
    const wholeCpu = (cpuSeconds() - wholeCpu0) / audioSeconds
    const reference = streams.map((s) => s.spoken.map((u) => u.text).join(' ')).join(' ')
    const wholeWer = wordErrors(reference, whole.join(' ')).wer
    console.log(`  engine ${engine}: whole files (POST /v1/listen) WER ${(wholeWer * 100).toFixed(1)}%, CPU s per audio s ${wholeCpu.toFixed(3)}`)
    if (engine === 'sphinx' && !process.argv.includes('--no-devset')) await realRecordings(app.stt.resolve(engine))

    for (const protocol of [deepgram, openAi()]) {
      if (!(await reachable(protocol, wsBase, engine))) {
        console.log(`  ${protocol.name}: skipped (not served here)`)
        continue
      }
      // Latency and accuracy: streams played one after another, so nothing else loads the server.
      const cpu0 = cpuSeconds()
      const runs: StreamResult[] = []
      for (const s of streams) runs.push(await play(protocol, wsBase, engine, s))
      const streamCpu = (cpuSeconds() - cpu0) / audioSeconds
      const firstPartial = runs.flatMap((r) => r.spoken.map((_, i) => r.firstPartial[i] ?? Infinity))
      const final = runs.flatMap((r) => r.spoken.map((_, i) => r.final[i] ?? Infinity))
      const afterCommit = runs.flatMap((r) => r.spoken.map((_, i) => r.finalAfterCommit[i] ?? Infinity))
      const streamedWer = wordErrors(reference, runs.map((r) => r.finals.join(' ')).join(' ')).wer

      console.log(`  ${protocol.name} x ${engine} (${protocol.note})`)
      console.log(
        `    first partial after speech onset: p50 ${ms(pct(firstPartial, 50))}  p95 ${ms(pct(firstPartial, 95))}  (n=${firstPartial.length}, none: ${missing(firstPartial)})`
      )
      console.log(`    final after speech end:           p50 ${ms(pct(final, 50))}  p95 ${ms(pct(final, 95))}  (n=${final.length}, none: ${missing(final)})`)
      // A stream's first utterance is heard before its channel (cepstral mean) is known: shown apart.
      const firstFinal = runs.map((r) => r.final[0] ?? Infinity)
      const laterFinal = runs.flatMap((r) => r.spoken.slice(1).map((_, i) => r.final[i + 1] ?? Infinity))
      console.log(
        `      by position in the stream: 1st utterance p50 ${ms(pct(firstFinal, 50))}  p95 ${ms(pct(firstFinal, 95))};  later p50 ${ms(pct(laterFinal, 50))}  p95 ${ms(pct(laterFinal, 95))}`
      )
      console.log(
        `    final after the endpoint/commit:  p50 ${ms(pct(afterCommit, 50))}  p95 ${ms(pct(afterCommit, 95))}  (n=${afterCommit.length}, none: ${missing(afterCommit)})`
      )
      console.log(
        `    WER vs script: streamed finals ${(streamedWer * 100).toFixed(1)}%, whole files ${(wholeWer * 100).toFixed(1)}%  (difference ${((streamedWer - wholeWer) * 100).toFixed(1)} points)`
      )
      if (verbose) printDifferences(runs, wholeBy)
      console.log(
        `    CPU s per audio s: streamed ${streamCpu.toFixed(3)}, whole-file baseline ${wholeCpu.toFixed(3)} (ratio ${(streamCpu / wholeCpu).toFixed(2)}x)`
      )

      // Concurrency: N streams at once (arriving --stagger-ms apart), until the p95 first partial passes 1 s or time runs out.
      console.log(`    concurrency ramp: each level's streams arrive ${staggerMs} ms apart, then all play at once`)
      let sustained = 0
      for (let n = 1; n <= maxStreams && !overBudget(); n = n < 4 ? n * 2 : n + 2) {
        const cpuBefore = cpuSeconds()
        const machineBefore = machineJiffies()
        const wallBefore = performance.now()
        // Every stream's frames and events pass through this thread: a stall here delays them all.
        const loopDelay = monitorEventLoopDelay({ resolution: 10 })
        loopDelay.enable()
        const batch = await Promise.all(
          Array.from({ length: n }, async (_, i) => {
            await new Promise((r) => setTimeout(r, i * staggerMs))
            return play(protocol, wsBase, engine, streams[i % streams.length]!)
          })
        )
        const busy = (cpuSeconds() - cpuBefore) / ((performance.now() - wallBefore) / 1000)
        loopDelay.disable()
        const machineAfter = machineJiffies()
        const machine = machineBefore && machineAfter ? ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * cores : NaN
        const partials = batch.flatMap((r) => r.spoken.map((_, i) => r.firstPartial[i] ?? Infinity))
        const finals = batch.flatMap((r) => r.spoken.map((_, i) => r.final[i] ?? Infinity))
        const refused = batch.filter((r) => r.closeCode !== 1000).length
        // An utterance whose decoder fell so far behind that it ended before its first partial counts as
        // the slowest, not as absent.
        const p95 = pctWithMissing(partials, 95)
        console.log(
          `    ${String(n).padStart(2)} concurrent: first partial p95 ${ms(p95)} (none: ${missing(partials)}), final p95 ${ms(pctWithMissing(finals, 95))}, ` +
            `CPU ${busy.toFixed(2)} cores (whole machine ${machine.toFixed(2)} of ${cores}), event loop delay p99 ${Math.round(loopDelay.percentile(99) / 1e6)} ms` +
            `${refused ? `, ${refused} streams closed early` : ''}`
        )
        if (!(p95 <= 1) || refused) break
        sustained = n
      }
      console.log(`    concurrent real-time streams with first-partial p95 <= 1 s: ${sustained}${overBudget() ? ' (stopped by --budget-seconds)' : ''}`)
    }
  }
  await app.close()
  process.exit(0)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
