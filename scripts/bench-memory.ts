/**
 * npm run bench:memory — peak memory of one 30-minute recording through POST /v1/audio/transcriptions,
 * as a 16 kHz mono WAV and as a 44.1 kHz stereo FLAC, against the server's own resident memory after
 * boot, measured in the same run. Goal: peak RSS under 600 MB. Each format gets a fresh server, then
 * the same upload a second time on it ("again"): what the first job leaves resident shows there.
 *
 * The server runs as production runs it: `node dist/server.js` in a process of its own (built by
 * `npm run build`), so neither this script nor tsx is counted; curl uploads from a third process.
 * Worker threads live in the server process, so its RSS covers them. Peak is the kernel's high-water
 * mark of that process (VmHWM), reset before each upload, cross-checked by sampling RSS every 20 ms.
 *
 * `--compare` runs the same uploads a second time with glibc's per-thread malloc arenas capped
 * (MALLOC_ARENA_MAX=2, what `npm start` and the Docker image set) against the default, in the same run.
 *
 *   DATABASE_URL=postgres://... npm run bench:memory [-- --minutes 30] [--compare]
 *
 * Beside other work on the same machine, give it a database and a Redis db of its own:
 *   createdb benchmem && DATABASE_URL=postgres://postgres@127.0.0.1:5432/benchmem REDIS_URL=redis://127.0.0.1:6379/7 npm run bench:memory
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildConversation, SALES_CALL } from '../test/fixtures/conversation.js'
import { speechDir } from '../test/fixtures/speech.js'

const run = promisify(execFile)
const LIMIT_MB = 600

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const mb = (bytes: number) => bytes / 1024 / 1024

/** A field of /proc/<pid>/status in bytes (VmHWM: peak resident set, VmRSS: resident set now). */
function statusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`))
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) * 1024
}

/** Resets a process's VmHWM to its current RSS (Linux: writing 5 to clear_refs). */
function resetHighWaterMark(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
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

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** `node dist/server.js` on a free port, resolved once /health answers. */
async function startServer(minutes: number, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; dataDir: string }> {
  if (!existsSync('dist/server.js')) throw new Error('dist/server.js is missing: run npm run build first')
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'voxlens-memory-'))
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000',
    MAX_UPLOAD_MB: '200',
    MAX_AUDIO_SECONDS: String(Math.max(3600, minutes * 60 + 60))
  }
  // An empty value means "unset": glibc would read MALLOC_ARENA_MAX= as a setting.
  for (const [k, v] of Object.entries(env)) if (v === '') delete childEnv[k]
  const child = spawn(process.execPath, ['dist/server.js'], { stdio: ['ignore', 'ignore', 'inherit'], env: childEnv })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 180_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was ready`)
    if (Date.now() > deadline) throw new Error('the server did not answer /health within 180 s')
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false
    )
    if (ok) break
    await new Promise((r) => setTimeout(r, 250))
  }
  return { child, url, dataDir }
}

async function stopServer(server: { child: ChildProcess; dataDir: string }): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.kill('SIGTERM')
  await exited
  rmSync(server.dataDir, { recursive: true, force: true })
}

/** Boots a server with `env`, uploads each recording, prints its peaks and one goal line per recording; returns the worst peak. */
async function measure(label: string, minutes: number, recordings: { name: string; path: string }[], env: Record<string, string>): Promise<number> {
  const server = await startServer(minutes, env)
  const pid = server.child.pid!
  try {
    await new Promise((r) => setTimeout(r, 1000))
    const baseline = statusBytes(pid, 'VmRSS')
    const database = process.env.DATABASE_URL ? 'Postgres' : 'embedded PGlite'
    console.log(
      `\n${label}: node dist/server.js (${database}, ${process.env.STT_POOL_SIZE ?? 'default'} decoder threads): RSS after boot ${mb(baseline).toFixed(0)} MB`
    )
    let worst = 0
    const goals: string[] = []
    for (const rec of recordings) {
      resetHighWaterMark(pid)
      let sampled = 0
      const timer = setInterval(() => (sampled = Math.max(sampled, statusBytes(pid, 'VmRSS'))), 20)
      const t0 = performance.now()
      const { stdout } = await run(
        'curl',
        ['-sS', '--fail-with-body', '-F', `file=@${rec.path}`, '-F', 'model=whisper-1', `${server.url}/v1/audio/transcriptions`],
        { maxBuffer: 64 * 1024 * 1024 }
      )
      const seconds = (performance.now() - t0) / 1000
      clearInterval(timer)
      const peak = Math.max(statusBytes(pid, 'VmHWM'), sampled)
      worst = Math.max(worst, peak)
      goals.push(`GOAL ${rec.name}: peak RSS ${mb(peak).toFixed(0)} MB < ${LIMIT_MB} MB: ${mb(peak) < LIMIT_MB ? 'met' : 'NOT met'}`)
      const words = (JSON.parse(stdout) as { text: string }).text.split(/\s+/).filter(Boolean).length
      console.log(
        `  ${rec.name.padEnd(34)} upload ${mb(statSync(rec.path).size).toFixed(0).padStart(4)} MB  ` +
          `peak RSS ${mb(peak).toFixed(0).padStart(5)} MB (sampled ${mb(sampled).toFixed(0)})  ` +
          `over boot ${mb(peak - baseline)
            .toFixed(0)
            .padStart(4)} MB  ${seconds.toFixed(1)} s  ${words} words`
      )
      await new Promise((r) => setTimeout(r, 1000))
    }
    for (const goal of goals) console.log(`  ${goal}`)
    console.log(`  worst peak ${mb(worst).toFixed(0)} MB, goal < ${LIMIT_MB} MB: ${mb(worst) < LIMIT_MB ? 'met' : 'NOT met'}`)
    return worst
  } finally {
    await stopServer(server)
  }
}

async function main(): Promise<void> {
  const minutes = arg('minutes', 30)
  // Each format in a server of its own, so one upload's leftovers do not count against the other; then
  // the same upload again on that server, since a server that has done one long job is the usual case.
  const runs = (await makeRecordings(minutes)).map((rec) => [rec, { ...rec, name: `${rec.name}, again` }])
  const measureAll = async (label: string, env: Record<string, string>) => {
    let worst = 0
    for (const recordings of runs) worst = Math.max(worst, await measure(label, minutes, recordings, env))
    return worst
  }
  const capped = await measureAll('malloc arenas capped (MALLOC_ARENA_MAX=2, as npm start runs)', { MALLOC_ARENA_MAX: '2' })
  if (process.argv.includes('--compare')) {
    const uncapped = await measureAll('glibc default arenas (baseline)', { MALLOC_ARENA_MAX: '' })
    console.log(`\ncapped / default worst peak: ${(capped / uncapped).toFixed(3)}`)
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  }
)
