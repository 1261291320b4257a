/**
 * Speech synthesis benchmark: one-sentence replies through the TTS service (engine, then ffmpeg encoding)
 * for every offline engine and voice, against the bare engine CLI writing a WAV of the same sentence in
 * the same run, plus the cache-hit path (a stored reply read back).
 *
 *   npm run bench:tts [-- --runs 5 --format mp3]
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { createMemoryCache } from '../src/plugins/app/cache.js'
import { createLocalStore } from '../src/storage/local.js'
import { createEspeakEngine, createFliteEngine, createTtsService, SPEECH_FORMATS, type SpeechFormat } from '../src/tts/index.js'

const run = promisify(execFile)
const SENTENCE = 'Great job! You said it well, so tell me, what did you eat for breakfast today?'
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, format: { type: 'string', default: 'mp3' } } })
const runs = Number(values.runs)
const format = values.format as SpeechFormat
if (!SPEECH_FORMATS.includes(format)) throw new Error(`--format must be one of ${SPEECH_FORMATS.join(', ')}`)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

const dir = await mkdtemp(join(tmpdir(), 'voxlens-bench-tts-'))
const storage = createLocalStore(dir)
const engines = [createFliteEngine(), createEspeakEngine()]
// No reuse for the synthesis rows: every run synthesises.
const fresh = createTtsService({ engines, defaultEngine: 'flite', cache: createMemoryCache(), storage, timeoutMs: 60_000, cacheTtlSeconds: 0 })
const cached = createTtsService({ engines, defaultEngine: 'flite', cache: createMemoryCache(), storage, timeoutMs: 60_000, cacheTtlSeconds: 3600 })

console.log(`"${SENTENCE}" (${SENTENCE.length} characters), ${format}, median of ${runs} runs\n`)
console.log('engine     voice            audio s   service ms   CLI ms   service/CLI   real-time factor')
for (const engine of engines) {
  if (!(await engine.available()).ok) {
    console.log(`${engine.name.padEnd(10)} unavailable`)
    continue
  }
  for (const voice of engine.voices) {
    const cliArgs =
      engine.name === 'flite'
        ? ['flite', ['-voice', voice, '-t', SENTENCE, '-o', join(dir, 'cli.wav')]]
        : ['espeak-ng', ['-v', voice, '-w', join(dir, 'cli.wav'), SENTENCE]]
    const cli = [] as number[]
    const service = [] as number[]
    let seconds = 0
    for (let i = 0; i < runs; i++) {
      cli.push(await timed(() => run(cliArgs[0] as string, cliArgs[1] as string[])))
      service.push(
        await timed(async () => {
          seconds = (await fresh.synthesize({ text: SENTENCE, engine: engine.name, voice, format })).duration
        })
      )
    }
    const s = median(service)
    const c = median(cli)
    console.log(
      `${engine.name.padEnd(10)} ${voice.padEnd(16)} ${seconds.toFixed(2).padStart(7)} ${s.toFixed(0).padStart(12)} ${c.toFixed(0).padStart(8)} ${(s / c).toFixed(2).padStart(13)} ${(s / 1000 / seconds).toFixed(3).padStart(18)}`
    )
  }
}

await cached.synthesize({ text: SENTENCE, format })
const hits = [] as number[]
for (let i = 0; i < runs; i++) hits.push(await timed(() => cached.synthesize({ text: SENTENCE, format })))
console.log(`\ncache hit (flite slt, stored ${format} read back): ${median(hits).toFixed(1)} ms`)
await rm(dir, { recursive: true, force: true })
