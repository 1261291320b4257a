import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { startS3, type S3Stub } from '../helpers/stubs/s3.js'

describe('English practice with S3 storage', () => {
  let s3: S3Stub
  let t: TestApp

  beforeAll(async () => {
    s3 = await startS3()
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey
    t = await buildTestApp({ env: { ...s3.env, STT_POOL_SIZE: '1', S3_PRESIGNED_EXPIRY_SECONDS: '300' } })
  })
  afterAll(async () => {
    await t?.close()
    await s3?.close()
  })

  it('audio_url is a presigned GET of the reply in the bucket, signed afresh when the conversation is read', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ai/text-chat', payload: { user_id: 'user-s3', message: 'He play cricket every day' } })
    expect(res.statusCode).toBe(200)
    const { audio_url, conversation_id } = res.json()
    const url = new URL(audio_url)
    expect(url.origin).toBe(s3.endpoint)
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300')
    const audio = await fetch(audio_url)
    expect(audio.status).toBe(200)
    // An MP3 frame or ID3 tag: the app plays it as it comes.
    const head = Buffer.from(await audio.arrayBuffer()).subarray(0, 3)
    expect(head.toString('latin1') === 'ID3' || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0)).toBe(true)

    const conv = await t.app.inject({ url: `/api/v1/ai/conversations/${conversation_id}?user_id=user-s3` })
    const reply = conv.json().messages.find((m: { role: string }) => m.role === 'assistant')
    expect(new URL(reply.audio_url).pathname).toBe(url.pathname)
    expect((await fetch(reply.audio_url)).status).toBe(200)
  })
})
