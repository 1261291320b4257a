/**
 * The app as production builds it, for benchmarks that drive it in-process: production settings, no logs,
 * limits that a benchmark's burst of requests would otherwise trip, and a data folder of its own that
 * `close()` removes. DATABASE_URL / REDIS_URL from the environment are honoured; without them the
 * embedded database runs in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'

export async function buildBenchApp(name: string, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-`))
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    RATE_LIMIT_PER_MINUTE: '1000',
    ...env
  })
  const app = await buildApp({ config, logger: false, db: { inMemory: !config.DATABASE_URL } })
  const close = async () => {
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { app, config, close }
}
