import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestApp, createTestDatabase, mode, signUp } from './helpers/app.js'

describe('data survives a restart', () => {
  it('on embedded PGlite under DATA_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vx-data-'))
    try {
      const first = await buildTestApp({ env: { DATA_DIR: dir, DATABASE_URL: undefined, REDIS_URL: undefined } })
      const user = await signUp(first.app, 'persisted')
      await first.close()

      const second = await buildTestApp({ env: { DATA_DIR: dir, DATABASE_URL: undefined, REDIS_URL: undefined } })
      const login = await second.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'persisted', password: user.password } })
      expect(login.statusCode).toBe(200)
      // The session token issued before the restart still works.
      expect((await second.app.inject({ url: '/api/auth/me', headers: user.headers })).statusCode).toBe(200)
      await second.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.runIf(mode === 'real')('on Postgres', async () => {
    const db = await createTestDatabase()
    try {
      const first = await buildTestApp({ databaseUrl: db.url })
      const user = await signUp(first.app, 'persisted')
      await first.close()
      const second = await buildTestApp({ databaseUrl: db.url })
      expect((await second.app.inject({ url: '/api/auth/me', headers: user.headers })).json().data.username).toBe('persisted')
      await second.close()
    } finally {
      await db.drop()
    }
  })
})
