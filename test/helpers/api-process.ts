import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase, mode } from './app.js'

const root = new URL('../..', import.meta.url).pathname

export interface ApiProcess {
  child: ChildProcess
  base: string
  /** every stdout and stderr line so far */
  output(): string
  stderr(): string
  exited: Promise<number | null>
}

/** Runs `src/server.ts` as production does, on a free port, and resolves once it listens. */
export async function startApi(env: Record<string, string | undefined>): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => (out += d))
  child.stderr!.on('data', (d: Buffer) => (err += d))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${out}\n${err}`)), 120_000)
    const look = () => {
      const m = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', look)
    void exited.then((code) => reject(new Error(`API exited with ${code}:\n${out}\n${err}`)))
  })
  return { child, base, output: () => out + err, stderr: () => err, exited }
}

export async function killHard(api: ApiProcess): Promise<void> {
  api.child.kill('SIGKILL')
  await api.exited
}

export async function uploadCall(base: string, audio: Buffer, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const form = new FormData()
  form.append('file', new Blob([audio]), 'call.wav')
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  const res = await fetch(`${base}/api/calls`, { method: 'POST', body: form, headers })
  return { status: res.status, headers: res.headers, body: (await res.json()) as { success: boolean; data?: any; error?: any; code?: string } }
}

/**
 * What one API process stores into, its own: a data folder and, with real services, a fresh database
 * and a Redis key prefix (embedded mode leaves REDIS_URL empty). `env` goes to startApi; `remove()` after.
 */
export async function processStorage(name: string) {
  const dataDir = await mkdtemp(join(tmpdir(), `vx-${name}-`))
  const db = mode === 'real' ? await createTestDatabase() : null
  return {
    env: {
      DATA_DIR: dataDir,
      DATABASE_URL: db?.url ?? '',
      REDIS_URL: mode === 'real' ? process.env.REDIS_URL : '',
      REDIS_PREFIX: `vxtest-${randomBytes(4).toString('hex')}`,
      RATE_LIMIT_PER_MINUTE: '1000'
    },
    async remove() {
      await db?.drop()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}
