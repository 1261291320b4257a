import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { synthesize } from '../fixtures/speech.js'
import { LONG_CALL_FIRST_LINE, longCall } from '../fixtures/long-call.js'
import { CLOSE_GRACE_MS } from '../../src/workers/pool.js'

const root = new URL('../..', import.meta.url).pathname

function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/stt/child/close-mid-decode.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += d))
  child.stderr.on('data', (d: Buffer) => (err += d))
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out, err })))
}

describe('closing the sphinx pool while it decodes', () => {
  it('rejects the unfinished decode with engine_stopped, lets one within the grace finish, and the process lives on', async () => {
    const [longWav, shortWav] = await Promise.all([longCall(), synthesize(LONG_CALL_FIRST_LINE, { voice: 'slt', padStart: 0.3, padEnd: 0.5 })])
    const { code, signal, out, err } = await runChild({ LONG_WAV: longWav, SHORT_WAV: shortWav })
    // Before the fix the addon threw a C++ exception on the terminated thread: abort, exit 134.
    expect(err).not.toMatch(/terminate called/)
    expect({ code, signal }, err).toEqual({ code: 0, signal: null })
    const { short, long } = JSON.parse(out.trim().split('\n').pop()!)
    const stopped = { ok: false, statusCode: 503, code: 'engine_stopped', message: expect.stringMatching(/shutting down.*retry/) }
    // A decode that ends within the grace still answers; what waits in the queue is refused at once.
    expect(short.running).toMatchObject({ ok: true })
    expect(short.running.words).toBeGreaterThan(5)
    expect(short.queued).toMatchObject(stopped)
    // A decode that outlasts the grace is cut short with an ordinary, retryable error.
    expect(long.running).toMatchObject(stopped)
    expect(long.closeMs).toBeGreaterThanOrEqual(CLOSE_GRACE_MS - 100)
    // A closed pool refuses new work instead of starting threads again.
    expect(long.after).toMatchObject(stopped)
  }, 120_000)
})
