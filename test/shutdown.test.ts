import { describe, expect, it } from 'vitest'
import { buildTestApp } from './helpers/app.js'

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then closes the database, cache and queue', async () => {
    let started!: () => void
    const inFlight = new Promise<void>((r) => (started = r))
    const t = await buildTestApp({
      extend: (app) => {
        app.get('/test/slow', async () => {
          started()
          await new Promise((r) => setTimeout(r, 700))
          return { finished: true }
        })
      }
    })
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const slow = fetch(`${base}/test/slow`)
    await inFlight

    const closing = t.close()
    const res = await slow
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ finished: true })
    await closing
    // Everything is closed: the database refuses work and the port no longer answers.
    await expect(t.app.db.ping()).rejects.toThrow()
    await expect(fetch(`${base}/health`)).rejects.toThrow()
  })
})
