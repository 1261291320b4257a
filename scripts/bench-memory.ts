/**
 * npm run bench:memory — peak memory of one 30-minute recording through POST /v1/audio/transcriptions,
 * as a 16 kHz mono WAV and as a 44.1 kHz stereo FLAC, against the server's own resident memory after
 * boot, measured in the same run. Goal: peak RSS under 600 MB.
 *
 * The app is built as production builds it (see server() below) and listens on a local port; curl uploads the file from
 * another process, so the client's copy of the upload is not counted. Worker threads live in this
 * process, so RSS covers them. Peak is the kernel's high-water mark (VmHWM), reset before each upload,
 * cross-checked by sampling RSS every 20 ms.
 *
 *   DATABASE_URL=postgres://... npm run bench:memory [-- --minutes 30] [--source | --dist <dir>]
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { buildApp as BuildApp } from '../src/app.js'
import type { loadConfig as LoadConfig } from '../src/config.js'
import { buildConversation, SALES_CALL } from '../test/fixtures/conversation.js'
import { speechDir } from '../test/fixtures/speech.js'

const run = promisify(execFile)
const LIMIT_MB = 600

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const mb = (bytes: number) => bytes / 1024 / 1024

/** The kernel's peak resident set of this process, in bytes. */
function highWaterMark(): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'))
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) * 1024
}

/** Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs). */
function resetHighWaterMark(): void {
  writeFileSync('/proc/self/clear_refs', '5')
}

/** A call of `minutes` made by repeating a synthesized two-voice conversation, in both upload formats. */
async function makeRecordings(minutes: number): Promise<{ name: string; path: string }[]> {
  const conv = await buildConversation(SALES_CALL)
  const repeats = Math.ceil((minutes * 60) / conv.duration)
  const wav = join(speechDir, `memory-${minutes}min-16k.wav`)
  const flac = join(speechDir, `memory-${minutes}min-44k-stereo.flac`)
  if (!existsSync(wav)) await run('sox', [conv.path, wav, 'repeat', String(repeats - 1), 'trim', '0', String(minutes * 60)])
  if (!existsSync(flac)) await run('sox', [wav, '-r', '44100', '-c', '2', flac])
  return [
    { name: `${minutes} min, 16 kHz mono WAV`, path: wav },
    { name: `${minutes} min, 44.1 kHz stereo FLAC`, path: flac }
  ]
}

/**
 * The server as production runs it: compiled JavaScript in dist/ (built by `npm run build`), whose
 * worker threads start without tsx. `--source` measures the TypeScript sources under tsx instead,
 * which costs more memory (tsx's hooks in the main thread and in every worker).
 */
async function server(): Promise<{ buildApp: typeof BuildApp; loadConfig: typeof LoadConfig; from: string }> {
  const i = process.argv.indexOf('--dist')
  const dist = resolve(i >= 0 ? process.argv[i + 1] : 'dist')
  if (process.argv.includes('--source')) {
    return { ...(await import('../src/app.js')), ...(await import('../src/config.js')), from: 'src/ under tsx' }
  }
  if (!existsSync(join(dist, 'app.js'))) throw new Error(`${dist}/app.js is missing: run npm run build first (or pass --source)`)
  const app = (await import(pathToFileURL(join(dist, 'app.js')).href)) as { buildApp: typeof BuildApp }
  const config = (await import(pathToFileURL(join(dist, 'config.js')).href)) as { loadConfig: typeof LoadConfig }
  return { buildApp: app.buildApp, loadConfig: config.loadConfig, from: `${relative(process.cwd(), dist) || '.'}/` }
}

async function main(): Promise<void> {
  const minutes = arg('minutes', 30)
  const { buildApp, loadConfig, from } = await server()
  const recordings = await makeRecordings(minutes)
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000',
    MAX_UPLOAD_MB: '200',
    MAX_AUDIO_SECONDS: String(Math.max(3600, minutes * 60 + 60))
  })
  // DATABASE_URL and REDIS_URL as the server would read them; without them the embedded database
  // (PGlite, several hundred MB of WebAssembly memory) is part of what is measured.
  const app = await buildApp({ config, db: { inMemory: !config.DATABASE_URL } })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  global.gc?.()
  await new Promise((r) => setTimeout(r, 1000))
  const baseline = process.memoryUsage().rss
  const database = config.DATABASE_URL ? 'Postgres' : 'embedded PGlite'
  console.log(
    `server from ${from} ready (${database}, ${config.STT_POOL_SIZE ?? availableParallelism()} decoder threads): RSS after boot ${mb(baseline).toFixed(0)} MB`
  )

  let worst = 0
  for (const rec of recordings) {
    resetHighWaterMark()
    let sampled = 0
    const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 20)
    const t0 = performance.now()
    const { stdout } = await run('curl', ['-sS', '--fail-with-body', '-F', `file=@${rec.path}`, '-F', 'model=whisper-1', `${url}/v1/audio/transcriptions`], {
      maxBuffer: 64 * 1024 * 1024
    })
    const seconds = (performance.now() - t0) / 1000
    clearInterval(timer)
    const peak = Math.max(highWaterMark(), sampled)
    worst = Math.max(worst, peak)
    const words = (JSON.parse(stdout) as { text: string }).text.split(/\s+/).filter(Boolean).length
    console.log(
      `${rec.name.padEnd(34)} upload ${mb(statSync(rec.path).size).toFixed(0).padStart(4)} MB  ` +
        `peak RSS ${mb(peak).toFixed(0).padStart(5)} MB (sampled ${mb(sampled).toFixed(0)})  ` +
        `over boot ${mb(peak - baseline)
          .toFixed(0)
          .padStart(4)} MB  ${seconds.toFixed(1)} s  ${words} words`
    )
    global.gc?.()
    await new Promise((r) => setTimeout(r, 1000))
  }
  console.log(`worst peak ${mb(worst).toFixed(0)} MB, goal < ${LIMIT_MB} MB: ${mb(worst) < LIMIT_MB ? 'met' : 'NOT met'}`)
  await app.close()
  process.exit(0)
}

void main()
