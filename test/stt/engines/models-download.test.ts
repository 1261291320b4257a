import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { downloadModel } from '../../../scripts/models-download.js'

/** Stands in for Hugging Face: serves /ggml-<name>.bin from memory, in pieces so progress has steps. */
const files = new Map<string, Buffer>()
let server: Server
let baseUrl: string
const fake = randomBytes(256 * 1024)
const sha1 = createHash('sha1').update(fake).digest('hex')

beforeAll(async () => {
  files.set('/ggml-base.en.bin', fake)
  files.set('/ggml-custom.bin', fake)
  server = createServer((req, res) => {
    const body = files.get(req.url ?? '')
    if (!body) return res.writeHead(404).end('Entry not found')
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' })
    for (let i = 0; i < body.length; i += 16 * 1024) res.write(body.subarray(i, i + 16 * 1024))
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vx-models-'))
  return () => rm(dir, { recursive: true, force: true })
})

function sink() {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (c: Buffer) => (text += c.toString()))
  return { stream, text: () => text }
}

describe('models:download', () => {
  it('saves a file whose checksum matches, with progress on the given stream', async () => {
    const out = sink()
    const path = await downloadModel({ model: 'custom', dir, baseUrl, sha1, progress: out.stream })
    expect(path).toBe(join(dir, 'ggml-custom.bin'))
    expect((await readFile(path)).equals(fake)).toBe(true)
    expect(await readdir(dir)).toEqual(['ggml-custom.bin']) // no temporary file left
    expect(out.text()).toMatch(/custom \[#+-*\] \d+% /)
    expect(out.text()).toContain('100% 0.3/0.3 MB')
  })

  it('discards a file whose checksum does not match the published one', async () => {
    // Our fake is not the real base.en, so the table's SHA-1 must reject it.
    const err = await downloadModel({ model: 'base.en', dir, baseUrl, progress: sink().stream }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toMatch(/Checksum mismatch.*137c40403d78fd54d454da0f9bd998f78703390c/)
    expect(await readdir(dir)).toEqual([])
  })

  it('refuses models without a known checksum and names missing ones clearly', async () => {
    await expect(downloadModel({ model: 'custom', dir, baseUrl, progress: sink().stream })).rejects.toThrow(/No published checksum.*--sha1/)
    await expect(downloadModel({ model: 'nope', dir, baseUrl, sha1, progress: sink().stream })).rejects.toThrow(/HTTP 404: no such model/)
    await expect(downloadModel({ model: '../etc', dir, baseUrl, sha1, progress: sink().stream })).rejects.toThrow(/not a model name/)
    expect(await readdir(dir)).toEqual([])
  })

  it('skips a download when a verified copy is already there', async () => {
    await downloadModel({ model: 'custom', dir, baseUrl, sha1, progress: sink().stream })
    const out = sink()
    await downloadModel({ model: 'custom', dir, baseUrl: 'http://127.0.0.1:1', sha1, progress: out.stream })
    expect(out.text()).toContain('already there and verified')
  })

  it('runs as a CLI: exit code, stderr progress, WHISPER_MODELS_BASE_URL', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/models-download.ts', ...args], {
          env: { ...process.env, WHISPER_MODELS_BASE_URL: baseUrl },
          stdio: ['ignore', 'ignore', 'pipe']
        })
        let stderr = ''
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
        child.on('close', (code) => resolve({ code, stderr }))
      })
    const ok = await run(['custom', '--dir', dir, '--sha1', sha1])
    expect(ok.code).toBe(0)
    expect(ok.stderr).toContain('100%')
    expect(ok.stderr).toContain(`WHISPER_MODEL_PATH=${join(dir, 'ggml-custom.bin')}`)
    const bad = await run(['base.en', '--dir', dir, '--force'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('Checksum mismatch')
  })
})
