import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/connect.js'
import { applyMigrations, projectRoot } from '../../src/db/migrations.js'

const run = promisify(execFile)

describe('PGlite in a data directory', () => {
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'voxlens-pglite-'))
  })
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('keeps data and migration history across close and reopen', async () => {
    const first = await openDatabase({ dataDir })
    expect(first.kind).toBe('pglite')
    expect((await applyMigrations(first)).applied.length).toBeGreaterThan(0)
    const user = await first.prisma.user.create({
      data: { username: 'grace', email: 'grace@example.test', passwordHash: 'x' }
    })
    await first.close()
    expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true)

    const reopened = await openDatabase({ dataDir })
    try {
      expect((await applyMigrations(reopened)).applied).toEqual([])
      const found = await reopened.prisma.user.findUnique({ where: { id: user.id } })
      expect(found?.email).toBe('grace@example.test')
    } finally {
      await reopened.close()
    }
  })

  it('refuses to guess where to store data', async () => {
    await expect(openDatabase({})).rejects.toThrow(/databaseUrl, dataDir or inMemory/)
  })
})

describe('npm run db:migrate', () => {
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'voxlens-migrate-cli-'))
  })
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('migrates the PGlite database under DATA_DIR, then reports it up to date, and exits', async () => {
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' }
    const cli = join(projectRoot, 'node_modules', '.bin', 'tsx')
    const script = join(projectRoot, 'scripts', 'db-migrate.ts')

    const first = await run(cli, [script], { env, cwd: projectRoot, timeout: 45_000 })
    expect(first.stdout).toMatch(/^applied \d{14}_init$/m)

    const second = await run(cli, [script], { env, cwd: projectRoot, timeout: 45_000 })
    expect(second.stdout).toContain('database is up to date')
  })
})
