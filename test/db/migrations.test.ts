import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../src/db/connect.js'
import { applyMigrations, defaultMigrationsDir } from '../../src/db/migrations.js'
import { createTestDatabase, shouldSkipPostgres, type TestDatabase } from '../helpers/postgres.js'

interface MigrationRow {
  migration_name: string
  checksum: string
  finished_at: Date | null
  rolled_back_at: Date | null
  applied_steps_count: number
}

async function committedMigrations(): Promise<{ name: string; checksum: string }[]> {
  const entries = await readdir(defaultMigrationsDir, { withFileTypes: true })
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(defaultMigrationsDir, name, 'migration.sql'))
      // Prisma's checksum: SHA-256 of the migration file's bytes, lowercase hex.
      return { name, checksum: createHash('sha256').update(sql).digest('hex') }
    })
  )
}

function migrationBehaviour(open: () => Promise<Database>) {
  let db: Database

  beforeAll(async () => {
    db = await open()
  })
  afterAll(async () => {
    await db?.close()
  })

  it('applies every committed migration once, and nothing on a second run', async () => {
    const expected = await committedMigrations()
    expect(expected.length).toBeGreaterThan(0)

    const first = await applyMigrations(db)
    expect(first.applied).toEqual(expected.map((migration) => migration.name))

    const second = await applyMigrations(db)
    expect(second.applied).toEqual([])
  })

  it('records each migration in _prisma_migrations as Prisma CLI would', async () => {
    const rows = await db.prisma.$queryRaw<MigrationRow[]>`
      SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
      FROM _prisma_migrations ORDER BY migration_name`
    const expected = await committedMigrations()
    expect(rows.map((row) => ({ name: row.migration_name, checksum: row.checksum }))).toEqual(expected)
    for (const row of rows) {
      expect(row.finished_at).toBeInstanceOf(Date)
      expect(row.rolled_back_at).toBeNull()
      expect(row.applied_steps_count).toBe(1)
    }
  })

  it('stores and reads a user and a call record with tags and JSON', async () => {
    await db.ping()
    const user = await db.prisma.user.create({
      data: { username: `ada_${Date.now()}`, email: `ada_${Date.now()}@example.test`, passwordHash: 'x' }
    })
    const words = [
      { word: 'hello', start: 0, end: 0.42, confidence: 0.97, speaker: 'A' },
      { word: 'there', start: 0.45, end: 0.8, confidence: 0.91, speaker: 'A' }
    ]
    const created = await db.prisma.callRecord.create({
      data: {
        ownerId: user.id,
        filename: 'support-call.wav',
        tags: ['billing', 'refund'],
        words,
        options: { language: 'en', diarize: true }
      }
    })
    expect(created.status).toBe('queued')
    expect(created.userTags).toEqual([])

    const found = await db.prisma.callRecord.findUniqueOrThrow({
      where: { id: created.id },
      include: { owner: true }
    })
    expect(found.owner?.username).toBe(user.username)
    expect(found.tags).toEqual(['billing', 'refund'])
    expect(found.words).toEqual(words)
    expect(found.options).toEqual({ language: 'en', diarize: true })

    const tagged = await db.prisma.callRecord.findMany({ where: { tags: { has: 'refund' } } })
    expect(tagged.map((call) => call.id)).toContain(created.id)
  })
}

describe('migrations on in-memory PGlite', () => {
  migrationBehaviour(() => openDatabase({ inMemory: true }))
})

describe.skipIf(await shouldSkipPostgres())('migrations on Postgres', () => {
  let throwaway: TestDatabase | undefined

  afterAll(async () => {
    await throwaway?.drop()
  })

  migrationBehaviour(async () => {
    throwaway = await createTestDatabase(undefined, 'vx_mig')
    const db = await openDatabase({ databaseUrl: throwaway.url })
    expect(db.kind).toBe('postgres')
    return db
  })
})
