import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { toneWav } from '../helpers/wav.js'

async function form(fields: [string, string | Blob, string?][]) {
  const f = new FormData()
  for (const [name, value, filename] of fields) {
    if (typeof value === 'string') f.append(name, value)
    else f.append(name, value, filename)
  }
  const req = new Request('http://x/', { method: 'POST', body: f })
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } }
}

describe('messages a caller can act on', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000' } })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('calls garbage after a fLaC header corrupt, not too long', async () => {
    const garbage = Buffer.concat([Buffer.from('fLaC'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) & 0xff))])
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/calls',
      ...(await form([
        ['file', new Blob([garbage]), 'x.flac'],
        ['analyze', 'false']
      ]))
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ success: false, code: 'corrupt_audio' })
  })

  it('states the form limits when there are too many fields', async () => {
    const fields: [string, string][] = Array.from({ length: 40 }, (_, i) => [`f${i}`, 'x'])
    const res = await t.app.inject({ method: 'POST', url: '/api/calls', ...(await form(fields)) })
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body).toMatchObject({ success: false, code: 'too_many_fields' })
    expect(body.error).toMatch(/at most 30 form fields/)
  })

  it('says what an upload route accepts when the content type is wrong', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/calls', payload: '<call/>', headers: { 'content-type': 'application/xml' } })
    expect(res.statusCode).toBe(415)
    const body = res.json()
    expect(body).toMatchObject({ success: false, code: 'unsupported_media_type' })
    expect(body.error).toContain('multipart/form-data')
    expect(body.error).not.toContain('application/json')
  })

  it('gives /api its envelope for an over-long path parameter (414) and a malformed URL (400)', async () => {
    const long = await t.app.inject({ url: `/api/calls/${'a'.repeat(300)}` })
    expect(long.statusCode).toBe(414)
    expect(long.json()).toMatchObject({ success: false, code: 'uri_too_long', error: expect.any(String) })

    const bad = await t.app.inject({ url: '/api/calls/%E0%A4%A' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ success: false, code: 'bad_url', error: expect.any(String) })
  })

  it('caps a long filename at 255 characters, keeping its extension', async () => {
    const name = `${'n'.repeat(400)}.wav`
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/calls',
      ...(await form([
        ['file', new Blob([toneWav(1)]), name],
        ['analyze', 'false'],
        ['diarize', 'false'],
        ['emotion', 'false']
      ]))
    })
    expect(res.statusCode, res.body).toBe(201)
    const filename = res.json().data.filename as string
    expect(filename.length).toBeLessThanOrEqual(255)
    expect(filename.endsWith('.wav')).toBe(true)
    expect(filename.startsWith('nnnn')).toBe(true)
  })
})
