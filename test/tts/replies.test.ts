import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { startS3, type S3Stub } from '../helpers/stubs/s3.js'
import { decodeAudio } from '../../src/audio/index.js'
import { normalizeWords } from '../../src/stt/wer.js'

const REPLY = 'I would like to buy the premium plan for my company'

describe('spoken replies kept on local disk and served at /audio/<id>.<ext>', () => {
  let t: TestApp
  let base: string

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', LLM_PROVIDER: 'builtin' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => t.close())

  it('speakToStorage hands out a URL on this server that plays back as the reply', async () => {
    const stored = await t.app.tts.speakToStorage({ text: REPLY, format: 'mp3', origin: base })
    expect(stored.url).toMatch(new RegExp(`^${base}/audio/[a-f0-9]{32}\\.mp3$`))
    expect(stored).toMatchObject({ format: 'mp3', contentType: 'audio/mpeg', engine: 'flite', voice: 'slt', cached: false })
    expect(stored.key).toBe(`tts/${stored.url.split('/').at(-1)}`)

    const res = await fetch(stored.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('audio/mpeg')
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    const bytes = Buffer.from(await res.arrayBuffer())
    expect((await decodeAudio(bytes, { maxSeconds: 60 })).info.duration).toBeCloseTo(stored.duration, 0)
    const { transcript } = await t.app.stt.transcribeFile(bytes)
    expect(normalizeWords(transcript.text)).toEqual(normalizeWords(REPLY))

    // Without an origin the URL is relative, and asking again reuses the file.
    const again = await t.app.tts.speakToStorage({ text: REPLY, format: 'mp3' })
    expect(again).toMatchObject({ cached: true, key: stored.key, url: new URL(stored.url).pathname })
  })

  it('answers Range requests with 206 and exactly those bytes', async () => {
    const stored = await t.app.tts.speakToStorage({ text: 'Range requests let players seek.', format: 'mp3' })
    const whole = Buffer.from(await (await fetch(`${base}${stored.url}`)).arrayBuffer())

    const middle = await fetch(`${base}${stored.url}`, { headers: { range: 'bytes=100-1099' } })
    expect(middle.status).toBe(206)
    expect(middle.headers.get('content-range')).toBe(`bytes 100-1099/${whole.length}`)
    expect(middle.headers.get('content-length')).toBe('1000')
    expect(Buffer.from(await middle.arrayBuffer()).equals(whole.subarray(100, 1100))).toBe(true)

    const tail = await fetch(`${base}${stored.url}`, { headers: { range: 'bytes=-500' } })
    expect(tail.status).toBe(206)
    expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(whole.length - 500))).toBe(true)

    const open = await fetch(`${base}${stored.url}`, { headers: { range: `bytes=${whole.length - 10}-` } })
    expect(open.headers.get('content-range')).toBe(`bytes ${whole.length - 10}-${whole.length - 1}/${whole.length}`)

    const beyond = await fetch(`${base}${stored.url}`, { headers: { range: `bytes=${whole.length}-` } })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${whole.length}`)
  })

  it('serves each format with its content type, and a cached copy revalidates with 304', async () => {
    for (const [format, type] of [
      ['wav', 'audio/wav'],
      ['opus', 'audio/ogg'],
      ['flac', 'audio/flac']
    ] as const) {
      const stored = await t.app.tts.speakToStorage({ text: 'Listen again.', format })
      const res = await fetch(`${base}${stored.url}`)
      expect(res.headers.get('content-type')).toBe(type)
      const etag = res.headers.get('etag')!
      expect((await fetch(`${base}${stored.url}`, { headers: { 'if-none-match': etag } })).status).toBe(304)
    }
  })

  it('is reachable without a token even when AUTH_MODE=required: the unguessable name is the access', async () => {
    const strict = await buildTestApp({ env: { AUTH_MODE: 'required', LLM_PROVIDER: 'builtin', STT_POOL_SIZE: '1' } })
    try {
      const stored = await strict.app.tts.speakToStorage({ text: 'Open to players.', format: 'mp3' })
      expect((await strict.app.inject(stored.url)).statusCode).toBe(200)
    } finally {
      await strict.close()
    }
  })

  it('answers an unknown reply with the /audio family 404', async () => {
    for (const path of ['/audio/0123456789abcdef0123456789abcdef.mp3', '/audio/not-a-reply.mp3', '/audio/0123456789abcdef0123456789abcdef.exe']) {
      const res = await t.app.inject(path)
      expect(res.statusCode).toBe(404)
      expect(res.json()).toMatchObject({ error: 'ValidationError', details: { code: 'blob_not_found' } })
      // A public route: the message names the reply, never the server's storage directory.
      expect(res.json().message).toBe(`No spoken reply "${path.slice('/audio/'.length)}".`)
    }
  })
})

describe('spoken replies in an S3 bucket', () => {
  let s3: S3Stub
  let t: TestApp

  beforeAll(async () => {
    s3 = await startS3()
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey
    t = await buildTestApp({ env: { ...s3.env, STT_POOL_SIZE: '1', LLM_PROVIDER: 'builtin', S3_PRESIGNED_EXPIRY_SECONDS: '120' } })
  })
  afterAll(async () => {
    await t?.close()
    await s3?.close()
  })

  it('hands out a presigned URL that expires as configured and fetches the audio from the bucket', async () => {
    const stored = await t.app.tts.speakToStorage({ text: 'Stored in a bucket.', format: 'mp3', origin: 'http://api.example' })
    const url = new URL(stored.url)
    expect(url.origin).toBe(s3.endpoint)
    expect(url.pathname).toBe(`/${s3.bucket}/${stored.key}`)
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120')
    const res = await fetch(stored.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('audio/mpeg')
    expect((await decodeAudio(Buffer.from(await res.arrayBuffer()), { maxSeconds: 60 })).info.duration).toBeGreaterThan(0.5)

    // A local-style URL still works: it redirects to a fresh presigned one.
    const local = await t.app.inject(`/audio/${stored.key.slice('tts/'.length)}`)
    expect(local.statusCode).toBe(302)
    expect(new URL(local.headers.location as string).pathname).toBe(`/${s3.bucket}/${stored.key}`)
  })
})
