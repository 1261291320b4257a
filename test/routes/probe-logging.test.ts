import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { captureLogs } from '../helpers/logs.js'

// An orchestrator polls the probes every few seconds; at info level each poll wrote two log lines.
describe('probe requests are not logged one by one', () => {
  const logs = captureLogs()
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ logStream: logs.stream })
  })
  afterAll(async () => t.close())

  it('writes no info line for /health, /ready or /metrics, but does for an API request', async () => {
    const INFO = 30
    logs.lines.length = 0
    for (const url of ['/health', '/ready', '/metrics']) expect((await t.app.inject(url)).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'HEAD', url: '/health' })).statusCode).toBe(200)
    const probeLines = logs.records().filter((r) => r.level <= INFO && /health|ready|metrics/.test(JSON.stringify(r)))
    expect(probeLines).toEqual([])

    expect((await t.app.inject('/api/calls')).statusCode).toBe(200)
    const apiLines = logs.records().filter((r) => r.level === INFO && JSON.stringify(r).includes('/api/calls'))
    expect(apiLines.map((r) => r.msg)).toContain('incoming request')
  })
})
