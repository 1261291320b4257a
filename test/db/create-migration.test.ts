import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMigration } from '../../src/db/migrations.js'

describe('createMigration', () => {
  let migrationsDir: string

  beforeAll(async () => {
    migrationsDir = await mkdtemp(join(tmpdir(), 'voxlens-migrations-'))
  })
  afterAll(async () => {
    await rm(migrationsDir, { recursive: true, force: true })
  })

  it('returns null when the committed migrations already match schema.prisma', async () => {
    expect(await createMigration('nothing_to_do')).toBeNull()
  })

  it('writes a timestamped migration and the lockfile into an empty migrations directory', async () => {
    const created = await createMigration('init', { migrationsDir, now: new Date('2024-05-06T07:08:09Z') })
    expect(created).toEqual({ dir: join(migrationsDir, '20240506070809_init') })

    const sql = await readFile(join(created!.dir, 'migration.sql'), 'utf8')
    expect(sql).toContain(`CREATE TYPE "CallStatus" AS ENUM ('queued', 'processing', 'completed', 'failed')`)
    expect(sql).toContain('CREATE INDEX "call_records_tags_idx" ON "call_records" USING GIN ("tags")')
    expect(sql).toContain('CREATE INDEX "call_records_user_tags_idx" ON "call_records" USING GIN ("user_tags")')
    expect(await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "postgresql"$/m)
  })

  it('rejects names that would not make a clean directory name', async () => {
    await expect(createMigration('Add Users', { migrationsDir })).rejects.toThrow(/invalid migration name/)
    await expect(createMigration('../escape', { migrationsDir })).rejects.toThrow(/invalid migration name/)
    expect(existsSync(join(migrationsDir, '..', 'escape'))).toBe(false)
  })
})
