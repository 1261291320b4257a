import { describe, expect, it } from 'vitest'
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.js'
import { buildWorkerApp } from '../../src/worker-app.js'
import { buildTestApp, createTestDatabase, mode, testEnv } from '../helpers/app.js'
import { synthesize } from '../fixtures/speech.js'
import { waitFor } from './wait.js'

const root = new URL('../..', import.meta.url).pathname

describe('worker app', () => {
  it('holds the job capabilities and works jobs, with no routes and no HTTP plugins', async () => {
    const db = mode === 'real' ? await createTestDatabase() : null
    const config = loadConfig(testEnv({ DATABASE_URL: db?.url }))
    const worker = await buildWorkerApp({ config, db: { inMemory: !db }, logger: false })
    try {
      await worker.ready()
      expect(worker.printRoutes()).toBe('(empty tree)')
      expect(worker.server.listening).toBe(false)
      for (const capability of ['db', 'cache', 'queue', 'storage', 'stt', 'diarization', 'emotion', 'analysis', 'calls']) {
        expect(worker.hasDecorator(capability), capability).toBe(true)
      }
      for (const httpOnly of ['swagger', 'rateLimit', 'websocketServer', 'auth']) expect(worker.hasDecorator(httpOnly), httpOnly).toBe(false)
      expect(worker.hasContentTypeParser('multipart/form-data')).toBe(false)

      const id = await worker.queue.add('purge-dead-tokens', {})
      const done = await waitFor(
        () => worker.queue.get(id),
        (j) => j?.state === 'completed'
      )
      expect(done).toMatchObject({ state: 'completed', result: { removed: 0 } })
    } finally {
      await worker.close()
      await db?.drop()
    }
  })
})

describe.runIf(mode === 'real')('`npm run worker` beside an API that does not work jobs', () => {
  it('processes a call uploaded to the API, never listens, and stops gracefully', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'voxlens-worker-'))
    const db = await createTestDatabase()
    const env = testEnv({ DATABASE_URL: db.url, DATA_DIR: dataDir, RUN_WORKER_IN_PROCESS: 'false', STT_POOL_SIZE: '1' })
    const api = await buildTestApp({ databaseUrl: db.url, env })
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: root,
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    try {
      const base = await api.app.listen({ port: 0, host: '127.0.0.1' })
      const form = new FormData()
      form.append('file', new Blob([readFileSync(await synthesize('please send the invoice to my office today', { voice: 'slt' }))]), 'call.wav')
      for (const [k, v] of Object.entries({ async: 'true', diarize: 'false', emotion: 'false', analyze: 'false' })) form.append(k, v)
      const res = await fetch(`${base}/api/calls`, { method: 'POST', body: form })
      expect(res.status).toBe(202)
      const { id } = ((await res.json()) as { data: { id: string } }).data

      const record = await waitFor(
        async () => ((await (await fetch(`${base}/api/calls/${id}`)).json()) as { data: { status: string; transcript: string | null } }).data,
        (r) => r.status === 'completed' || r.status === 'failed',
        90_000
      )
      expect(record.status, output).toBe('completed')
      expect(record.transcript).toMatch(/invoice/)
      expect(output).toContain('worker ready')

      // No listening socket belongs to the worker process.
      const listening = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
      expect(listening).not.toContain(`pid=${child.pid},`)
      expect(output).not.toMatch(/Server listening/)
    } finally {
      child.kill('SIGTERM')
      const code = await exited
      await api.close()
      await db.drop()
      await rm(dataDir, { recursive: true, force: true })
      // Graceful: the worker closed its queue, database and Redis and exited on SIGTERM.
      expect(output).toContain('worker stopping')
      expect(code).toBe(0)
    }
  }, 120_000)
})
