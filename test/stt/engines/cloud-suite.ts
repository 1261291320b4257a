import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CloudEngineOptions } from '../../../src/stt/engines/cloud.js'
import { SttError } from '../../../src/stt/engines/errors.js'
import type { SttEngine } from '../../../src/stt/types.js'
import type { StubServer } from '../../helpers/stubs/server.js'
import { speechLike } from './fixtures.js'

export interface CloudCase<S extends StubServer> {
  engine: string
  keyVariable: string
  start(apiKey: string): Promise<S>
  create(opts: CloudEngineOptions & { url: string; apiKey?: string }): SttEngine
  /** confidence the engine should give the stub's words */
  confidence: number
  /** durations (seconds) of the WAV files the stub received, in order */
  uploads(stub: S): number[]
}

/** Behaviour every cloud engine shares, run against the engine's own wire-format stub. */
export function cloudEngineSuite<S extends StubServer>(c: CloudCase<S>) {
  describe(`${c.engine} engine (shared behaviour)`, () => {
    const key = 'test-key-123'
    let stub: S
    const fast = { retry: { baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 5000 }
    beforeEach(async () => {
      stub = await c.start(key)
    })
    afterEach(async () => {
      await stub.close()
    })

    it('maps the reply to a transcript with word timings and confidences', async () => {
      stub.script({ kind: 'ok', text: 'Hello there. How are you today?' })
      const engine = c.create({ url: stub.url, apiKey: key, ...fast })
      const t = await engine.transcribe(speechLike(2))
      expect(t.text).toBe('Hello there. How are you today?')
      expect(t.language).toBe('en')
      expect(t.duration).toBe(2)
      expect(t.words.map((w) => w.word)).toEqual(['Hello', 'there.', 'How', 'are', 'you', 'today?'])
      expect(t.segments.map((s) => s.text)).toEqual(['Hello there.', 'How are you today?'])
      for (const w of t.words) expect(w.confidence).toBeCloseTo(c.confidence, 3)
      expect(t.words[0].start).toBe(0)
      expect(t.words.at(-1)!.end).toBeCloseTo(2, 2)
      expect(c.uploads(stub)).toEqual([2])
    })

    it('splits long audio at a pause and puts every time on the recording clock', async () => {
      // 2 s chunks with a pause at 1.93-1.97 s: the first cut must land inside it.
      const engine = c.create({ url: stub.url, apiKey: key, ...fast, maxChunkSeconds: 2 })
      stub.script({ kind: 'ok', text: 'one two' }, { kind: 'ok', text: 'three four' }, { kind: 'ok', text: 'five six' })
      const progress: number[] = []
      const t = await engine.transcribe(speechLike(5, [[1.93, 1.97]]), { onProgress: (done) => progress.push(done) })
      const uploads = c.uploads(stub)
      expect(uploads).toHaveLength(3)
      // One report per chunk answered, by the share of the recording done.
      expect(progress).toHaveLength(3)
      expect(progress[0]).toBeCloseTo(uploads[0] / 5, 2)
      expect(progress[2]).toBe(1)
      expect(uploads[0]).toBeGreaterThan(1.93)
      expect(uploads[0]).toBeLessThan(1.97)
      expect(uploads.reduce((a, b) => a + b, 0)).toBeCloseTo(5, 3)
      expect(t.text).toBe('one two three four five six')
      expect(t.duration).toBe(5)
      expect(t.segments.map((s) => s.id)).toEqual([0, 1, 2])
      expect(t.words[2].start).toBeCloseTo(uploads[0], 2) // "three" starts where chunk 2 starts
      expect(t.words.at(-1)!.end).toBeCloseTo(5, 2)
      for (let i = 1; i < t.words.length; i++) expect(t.words[i].start).toBeGreaterThanOrEqual(t.words[i - 1].end - 1e-6)
    })

    it(`fails with engine_auth_failed naming ${c.keyVariable}, without retrying`, async () => {
      const engine = c.create({ url: stub.url, apiKey: 'wrong-key', ...fast })
      const err = await engine.transcribe(speechLike(1)).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(SttError)
      expect(err).toMatchObject({ code: 'engine_auth_failed', statusCode: 502 })
      expect((err as Error).message).toContain(c.keyVariable)
      expect((err as Error).message).toContain(c.engine)
      expect(stub.hits).toBe(1)
    })

    it('waits as long as Retry-After asks after a 429, then succeeds', async () => {
      stub.script({ kind: 'rate-limited', retryAfterSeconds: 1 }, { kind: 'ok', text: 'made it' })
      const engine = c.create({ url: stub.url, apiKey: key, ...fast })
      const started = Date.now()
      const t = await engine.transcribe(speechLike(1))
      expect(t.text).toBe('made it')
      expect(stub.hits).toBe(2)
      expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    })

    it('reports engine_rate_limited with a retry hint when 429s outlast the attempts', async () => {
      stub.script({ kind: 'rate-limited' }, { kind: 'rate-limited' }, { kind: 'rate-limited', retryAfterSeconds: 30 })
      const engine = c.create({ url: stub.url, apiKey: key, ...fast, retry: { attempts: 3, baseDelayMs: 5 } })
      const err = await engine.transcribe(speechLike(1)).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'engine_rate_limited', details: { retryAfterSeconds: 30 } })
      expect((err as Error).message).toMatch(/Try again in 30 s/)
      expect(stub.hits).toBe(3)
    })

    it('gives up with engine_failed after the configured attempts on 5xx', async () => {
      stub.script({ kind: 'error' }, { kind: 'error', status: 503 }, { kind: 'error' }, { kind: 'ok' })
      const engine = c.create({ url: stub.url, apiKey: key, ...fast, retry: { attempts: 3, baseDelayMs: 5 } })
      const err = await engine.transcribe(speechLike(1)).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'engine_failed', statusCode: 502 })
      expect((err as Error).message).toContain('after 3 attempts')
      expect(stub.hits).toBe(3)
    })

    it('does not retry a request the vendor rejects (400)', async () => {
      stub.script({ kind: 'bad-request', message: 'Unsupported language: xx' })
      const engine = c.create({ url: stub.url, apiKey: key, ...fast })
      const err = await engine.transcribe(speechLike(1), { language: 'xx' }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'engine_rejected', statusCode: 422 })
      expect((err as Error).message).toContain('Unsupported language: xx')
      expect(stub.hits).toBe(1)
    })

    it('times out a hanging request with engine_timeout, retrying it once', async () => {
      stub.script({ kind: 'hang' }, { kind: 'hang' })
      const engine = c.create({ url: stub.url, apiKey: key, timeoutMs: 300, retry: { attempts: 2, baseDelayMs: 5 } })
      const err = await engine.transcribe(speechLike(1)).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'engine_timeout', statusCode: 504 })
      expect(stub.hits).toBe(2)
    })

    it('passes the caller abort through instead of reporting an engine fault', async () => {
      stub.script({ kind: 'hang' })
      const engine = c.create({ url: stub.url, apiKey: key, timeoutMs: 5000 })
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      const err = await engine.transcribe(speechLike(1), { signal: controller.signal }).catch((e: unknown) => e)
      expect(err).not.toBeInstanceOf(SttError)
      expect((err as Error).name).toMatch(/Abort/)
      expect(stub.hits).toBe(1)
    })

    it(`is unavailable without a key, naming ${c.keyVariable}`, async () => {
      // No base URL either: a keyless self-hosted server is a valid setup for the openai engine.
      const engine = c.create({ url: '' })
      const status = await engine.available()
      expect(status.ok).toBe(false)
      expect(status.reason).toContain(c.keyVariable)
      await expect(engine.transcribe(speechLike(1))).rejects.toMatchObject({ code: 'engine_unavailable', statusCode: 503 })
      expect(stub.hits).toBe(0)
    })
  })
}
