import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { generateOpenApi } from '../src/openapi.js'
import { createVoxlensClient } from '../openapi/client.js'
import { buildTestApp, type TestApp } from './helpers/app.js'

describe('OpenAPI document', () => {
  it('is committed up to date (run `npm run openapi` after changing a route)', async () => {
    const { json, types } = await generateOpenApi()
    expect(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')).toBe(json)
    expect(readFileSync(new URL('../openapi/schema.ts', import.meta.url), 'utf8')).toBe(types)
  })

  it('gives every route tags, a summary, a unique operationId and response schemas', () => {
    const spec = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'))
    const ids: string[] = []
    for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`
        expect(op.tags, where).toBeInstanceOf(Array)
        expect(op.summary, where).toBeTruthy()
        expect(op.operationId, where).toBeTruthy()
        expect(Object.keys(op.responses as object).length, where).toBeGreaterThan(0)
        ids.push(op.operationId as string)
      }
    }
    expect(new Set(ids).size).toBe(ids.length)
    // Component names equal the schemas' $id.
    for (const [name, schema] of Object.entries<{ $id?: string }>(spec.components.schemas)) {
      expect(schema.$id ?? name).toBe(name)
    }
  })
})

describe('call record types', () => {
  it('types every call-record field (no unknown in the generated CallRecord)', () => {
    const types = readFileSync(new URL('../openapi/schema.ts', import.meta.url), 'utf8')
    const record = /\n {8}CallRecord: \{\n([\s\S]*?)\n {8}\};/.exec(types)?.[1]
    expect(record).toContain('utterances: components["schemas"]["Utterance"][]')
    expect(record).not.toMatch(/unknown/)
  })
})

describe('generated TypeScript client against a listening server', () => {
  let t: TestApp
  let baseUrl: string
  beforeAll(async () => {
    t = await buildTestApp()
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => t.close())

  it('registers, logs in and lists calls with typed calls', async () => {
    const anon = createVoxlensClient({ baseUrl })
    const reg = await anon.POST('/api/auth/register', { body: { username: 'client_user', password: 'client password', email: 'client@example.com' } })
    expect(reg.response.status).toBe(201)
    expect(reg.data?.data.username).toBe('client_user')

    const login = await anon.POST('/api/auth/login', { body: { username: 'client_user', password: 'client password' } })
    const token = login.data!.data.token
    const api = createVoxlensClient({ baseUrl, token })
    const calls = await api.GET('/api/calls', { params: { query: { limit: 10, skip: 0 } } })
    expect(calls.data).toEqual({ success: true, data: [], total: 0 })

    const bad = await createVoxlensClient({ baseUrl, token: 'vxl_nope' }).GET('/api/calls', { params: { query: { limit: 10, skip: 0 } } })
    expect(bad.response.status).toBe(401)
    expect(bad.error).toMatchObject({ success: false, code: 'token_invalid' })
  })

  it('serves ReDoc from the npm package, loading the spec from /docs/json', async () => {
    const page = await fetch(`${baseUrl}/redoc`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain('spec-url="/docs/json"')
    const src = /<script src="(\/[^"]+)"/.exec(html)?.[1]
    expect(src, 'a script served by this server, not a CDN').toBeDefined()
    const script = await fetch(`${baseUrl}${src}`)
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    expect((await script.text()).length).toBeGreaterThan(100_000)
    expect((await fetch(`${baseUrl}/docs/json`)).status).toBe(200)
    // ReDoc builds its search index in a blob: worker.
    expect(page.headers.get('content-security-policy')).toMatch(/worker-src[^;]*blob:/)
  })

  it('never asks browsers to upgrade to HTTPS, so the docs load from any address over plain HTTP', async () => {
    for (const path of ['/redoc', '/docs', '/docs/static/index.html', '/health']) {
      const res = await fetch(`${baseUrl}${path}`)
      const csp = res.headers.get('content-security-policy')
      expect(csp, path).toBeTruthy()
      expect(csp, path).not.toMatch(/upgrade-insecure-requests/)
    }
  })
})
