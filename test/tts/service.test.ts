import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryCache } from '../../src/plugins/app/cache.js'
import { createLocalStore } from '../../src/storage/local.js'
import { createEspeakEngine, createFliteEngine, createTtsService, type TtsEngine } from '../../src/tts/index.js'
import { runProgram } from '../../src/tts/process.js'
import { unavailable } from '../../src/errors.js'
import { tonePcm } from '../helpers/stubs/speech.js'

/** An engine that counts its syntheses and answers a second of tone after `delayMs`. */
function countingEngine(delayMs = 200): TtsEngine & { calls: number } {
  const engine = {
    name: 'counting',
    kind: 'offline' as const,
    voices: ['one'],
    defaultVoice: 'one',
    calls: 0,
    available: async () => ({ ok: true as const }),
    async synthesize() {
      engine.calls++
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      return { pcm: tonePcm(1), sampleRate: 24_000, speedApplied: false }
    },
    close: async () => {}
  }
  return engine
}

/** An engine that stops when its signal aborts and says so; `started` settles once it is speaking. */
function abortableEngine(): TtsEngine & { calls: number; aborted: boolean; started: Promise<void> } {
  let began = () => {}
  const engine = {
    name: 'abortable',
    kind: 'offline' as const,
    voices: ['one'],
    defaultVoice: 'one',
    calls: 0,
    aborted: false,
    started: Promise.resolve(),
    available: async () => ({ ok: true as const }),
    async synthesize({ signal }: { signal: AbortSignal }) {
      engine.calls++
      began()
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 1500)
        signal.addEventListener('abort', () => {
          clearTimeout(timer)
          engine.aborted = true
          reject(signal.reason)
        })
      })
      return { pcm: tonePcm(1), sampleRate: 24_000, speedApplied: false }
    },
    close: async () => {}
  }
  Object.defineProperty(engine, 'started', { get: () => new Promise<void>((resolve) => (began = resolve)) })
  return engine
}

/** A program that never finishes, as a wedged speech engine would. */
const stuckEngine: TtsEngine = {
  name: 'stuck',
  kind: 'offline',
  voices: ['one'],
  defaultVoice: 'one',
  available: async () => ({ ok: true }),
  async synthesize({ signal }) {
    await runProgram('sleep', ['60'], { signal, installHint: 'coreutils' })
    throw new Error('unreachable')
  },
  close: async () => {}
}

describe('the speech service', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vx-tts-service-'))
  })
  afterAll(async () => rm(dir, { recursive: true, force: true }))

  const service = (engines: TtsEngine[], timeoutMs = 10_000) =>
    createTtsService({ engines, defaultEngine: engines[0].name, cache: createMemoryCache(), storage: createLocalStore(dir), timeoutMs, cacheTtlSeconds: 60 })

  it('synthesises concurrent identical requests once and gives each caller the audio', async () => {
    const engine = countingEngine()
    const tts = service([engine])
    const results = await Promise.all([1, 2, 3].map(() => tts.synthesize({ text: 'Same words at once.', format: 'wav' })))
    expect(engine.calls).toBe(1)
    expect(results.every((r) => r.audio.equals(results[0].audio))).toBe(true)
    expect((await tts.synthesize({ text: 'Same words at once.', format: 'wav' })).cached).toBe(true)
    expect(engine.calls).toBe(1)
  })

  it('keeps speaking for the callers still waiting when one caller of a shared synthesis leaves', async () => {
    const engine = abortableEngine()
    const tts = service([engine])
    const leaving = new AbortController()
    const first = tts.synthesize({ text: 'Shared by two learners.', format: 'wav', signal: leaving.signal })
    const second = tts.synthesize({ text: 'Shared by two learners.', format: 'wav', signal: new AbortController().signal })
    await engine.started
    leaving.abort(new Error('the first learner hung up'))
    await expect(first).rejects.toThrow('the first learner hung up')
    expect((await second).audio.length).toBeGreaterThan(44)
    expect(engine.calls).toBe(1)
    expect(engine.aborted).toBe(false)

    const alone = new AbortController()
    const only = tts.synthesize({ text: 'Nobody stays for this.', format: 'wav', signal: alone.signal })
    await engine.started
    alone.abort(new Error('gone'))
    await expect(only).rejects.toThrow('gone')
    await expect.poll(() => engine.aborted).toBe(true)
  })

  it('stops an engine that runs past the limit with a 504 naming TTS_TIMEOUT_SECONDS, and stores nothing', async () => {
    const before = await readdir(join(dir, 'blobs', 'tts')).catch(() => [])
    const tts = service([stuckEngine], 500)
    await expect(tts.synthesize({ text: 'This will never be said.', format: 'mp3' })).rejects.toMatchObject({
      statusCode: 504,
      code: 'tts_timeout',
      message: expect.stringMatching(/stuck took longer than 0.5 s \(TTS_TIMEOUT_SECONDS\)/)
    })
    await expect(tts.speakToStorage({ text: 'Nor this.', format: 'mp3' })).rejects.toMatchObject({ code: 'tts_timeout' })
    expect(await readdir(join(dir, 'blobs', 'tts')).catch(() => [])).toEqual(before)
  })

  it('still speaks when storage fails, but never hands out a URL to a file that was not written', async () => {
    const local = createLocalStore(dir)
    const broken = { ...local, put: async () => Promise.reject(unavailable('Could not store: disk full', 'storage_error')) }
    const failures: unknown[] = []
    const tts = createTtsService({
      engines: [countingEngine(0)],
      defaultEngine: 'counting',
      cache: createMemoryCache(),
      storage: broken,
      timeoutMs: 10_000,
      cacheTtlSeconds: 60,
      onStoreError: (err) => failures.push(err)
    })
    const speech = await tts.synthesize({ text: 'Spoken anyway.', format: 'wav' })
    expect(speech.audio.length).toBeGreaterThan(44)
    expect(failures).toHaveLength(1)
    await expect(tts.speakToStorage({ text: 'Spoken anyway.', format: 'wav' })).rejects.toMatchObject({ statusCode: 503, code: 'storage_error' })
  })

  it('warm() loads the offline engines and reports the ones that cannot run', async () => {
    const missing = createFliteEngine({ command: '/nonexistent/flite' })
    const tts = createTtsService({
      engines: [createFliteEngine(), createEspeakEngine(), Object.assign(missing, { name: 'flite-missing' })],
      defaultEngine: 'flite',
      cache: createMemoryCache(),
      storage: createLocalStore(dir),
      timeoutMs: 30_000,
      cacheTtlSeconds: 60
    })
    expect(await tts.warm()).toEqual({ flite: 'loaded', 'espeak-ng': 'loaded', 'flite-missing': 'unavailable' })
    const status = await tts.engines()
    expect(status.find((s) => s.name === 'flite-missing')).toMatchObject({ available: false, reason: expect.stringMatching(/apt-get install -y flite/) })
  })

  it('stretches espeak-ng beyond the rates it speaks natively', async () => {
    const tts = service([createEspeakEngine()])
    const normal = await tts.synthesize({ text: 'Slowly, very slowly, please.', format: 'wav' })
    const slow = await tts.synthesize({ text: 'Slowly, very slowly, please.', format: 'wav', speed: 0.3 })
    expect(slow.duration / normal.duration).toBeGreaterThan(2.8)
    expect(slow.duration / normal.duration).toBeLessThan(3.9)
  })
})
