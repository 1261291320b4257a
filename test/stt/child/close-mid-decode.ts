// Run as its own process by close-mid-decode.test.ts, so an abort here cannot take vitest down.
// Prints one JSON line with what each pending call settled with.
import { readWav16k } from '../../fixtures/speech.js'
import { DecoderPool } from '../../../src/stt/sphinx/pool.js'
import { DEFAULT_DECODER_ARGS, decoderArgs } from '../../../src/stt/sphinx/native.js'

type Outcome = { ok: true; words: number } | { ok: false; name?: string; code?: string; statusCode?: number; message?: string }

const settle = (p: Promise<{ text: string }>): Promise<Outcome> =>
  p.then(
    (r) => ({ ok: true, words: r.text.split(' ').length }),
    (e: { name?: string; code?: string; statusCode?: number; message?: string }) => ({
      ok: false,
      name: e.name,
      code: e.code,
      statusCode: e.statusCode,
      message: e.message
    })
  )

/** One decoder thread: starts `running` decodes, a queued one behind them, closes after `afterMs`, then tries once more. */
async function closeWhile(samples: Float32Array, afterMs: number) {
  const pool = new DecoderPool(1, { args: decoderArgs({}, DEFAULT_DECODER_ARGS) })
  await pool.ready
  const running = settle(pool.decode(samples))
  const queued = settle(pool.decode(samples))
  await new Promise((r) => setTimeout(r, afterMs))
  const t0 = Date.now()
  await pool.close()
  const closeMs = Date.now() - t0
  return { closeMs, running: await running, queued: await queued, after: await settle(pool.decode(samples)) }
}

const short = await closeWhile(await readWav16k(process.env.SHORT_WAV!), 20)
const long = await closeWhile(await readWav16k(process.env.LONG_WAV!), 500)
console.log(JSON.stringify({ short, long }))
