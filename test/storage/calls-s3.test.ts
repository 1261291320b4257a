import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { startS3, type S3Stub } from '../helpers/stubs/s3.js'
import { synthesize } from '../fixtures/speech.js'

const SENTENCE = 'I would like to buy the premium plan for my company'

async function upload(base: string, file: Buffer, fields: Record<string, string> = {}) {
  const form = new FormData()
  form.append('file', new Blob([file]), 'call.wav')
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  const res = await fetch(`${base}/api/calls`, { method: 'POST', body: form })
  return { status: res.status, body: (await res.json()) as any }
}

describe('call records with their audio in an S3 bucket', () => {
  let s3: S3Stub
  let t: TestApp
  let base: string
  let wav: Buffer

  beforeAll(async () => {
    s3 = await startS3()
    // Credentials reach the SDK the way they do in production: its default chain reads the environment.
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey
    t = await buildTestApp({ env: { ...s3.env, STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000' } })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    wav = readFileSync(await synthesize(SENTENCE, { voice: 'slt', padStart: 0.3, padEnd: 0.3 }))
  })
  afterAll(async () => {
    await t?.close()
    await s3?.close()
  })

  it('stores the upload in the bucket, transcribes it from there, and deletes it with the record', async () => {
    const { status, body } = await upload(base, wav, { diarize: 'false', emotion: 'false', analyze: 'false' })
    expect(status, JSON.stringify(body)).toBe(201)
    expect(body.data).toMatchObject({ status: 'completed', error: null })
    expect(body.data.transcript).toMatch(/premium plan/)
    const id = body.data.id

    const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `audio/${id}` }))
    expect(object.ContentType).toBe('audio/wav')
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(wav)).toBe(true)

    const ready = (await t.app.inject('/ready')).json()
    expect(ready.components.storage).toEqual({ ok: true, detail: { kind: 's3', bucket: s3.bucket, endpoint: s3.endpoint } })

    expect((await t.app.inject({ method: 'DELETE', url: `/api/calls/${id}` })).json()).toEqual({ success: true })
    await expect(s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `audio/${id}` }))).rejects.toMatchObject({ name: 'NotFound' })
  })

  it('says which bucket is missing, on upload and on /ready', async () => {
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))
    for (const o of listed.Contents ?? []) await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: o.Key }))
    await s3.client.send(new DeleteBucketCommand({ Bucket: s3.bucket }))

    const { status, body } = await upload(base, wav)
    expect(status).toBe(503)
    expect(body).toMatchObject({ success: false, code: 'storage_bucket_missing', error: expect.stringContaining(`Bucket "${s3.bucket}" does not exist`) })
    expect(body.error).toContain('S3_BUCKET_NAME')

    // /ready is public: it says storage is down and leaves the bucket's name to the log.
    const ready = await t.app.inject('/ready')
    expect(ready.statusCode).toBe(503)
    expect(ready.json().components.storage).toMatchObject({ ok: false, error: expect.stringContaining('server log') })
    expect(JSON.stringify(ready.json())).not.toContain(s3.bucket)
  })
})
