import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer } from 'node:net'
import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { createS3Store, type S3StoreOptions } from '../../src/storage/s3.js'
import type { BlobStore } from '../../src/storage/types.js'
import { startS3, type S3Stub } from '../helpers/stubs/s3.js'
import { behavesLikeABlobStore } from './contract.js'

describe('S3 store against an S3-compatible server', () => {
  let s3: S3Stub
  let store: BlobStore
  const stores: BlobStore[] = []
  const open = (over: Partial<S3StoreOptions> = {}) => {
    const s = createS3Store({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      presignedExpirySeconds: 3600,
      credentials: s3.credentials,
      ...over
    })
    stores.push(s)
    return s
  }

  beforeAll(async () => {
    s3 = await startS3()
    store = open()
  })
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()))
    await s3.close()
  })

  behavesLikeABlobStore(() => store)

  it('puts objects where any S3 client finds them, with their content type', async () => {
    await store.put('audio/typed', new Uint8Array([1, 2, 3, 4]), { contentType: 'audio/wav' })
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'audio/typed' }))
    expect(head).toMatchObject({ ContentType: 'audio/wav', ContentLength: 4 })
  })

  it('hands out a presigned GET URL that plain fetch can download until it expires', async () => {
    const body = Buffer.from('a recording only the link holder may fetch')
    await store.put('audio/shared', body, { contentType: 'audio/wav' })
    const url = (await store.url('audio/shared'))!
    expect(url).toContain('X-Amz-Expires=3600')
    const res = await fetch(url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('audio/wav')
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true)

    const shortLived = (await store.url('audio/shared', { expiresIn: 1 }))!
    expect(shortLived).toContain('X-Amz-Expires=1&')
    await new Promise((r) => setTimeout(r, 2100))
    const late = await fetch(shortLived)
    expect(late.status).toBe(403)
    expect(await late.text()).toMatch(/expired/)
  })

  it('names the bucket and S3_BUCKET_NAME when the bucket does not exist', async () => {
    const missing = open({ bucket: 'no-such-bucket-here' })
    const expected = {
      statusCode: 503,
      code: 'storage_bucket_missing',
      message: expect.stringMatching(/Bucket "no-such-bucket-here" does not exist.*S3_BUCKET_NAME/)
    }
    await expect(missing.put('audio/x', new Uint8Array([1]))).rejects.toMatchObject(expected)
    await expect(missing.get('audio/x')).rejects.toMatchObject(expected)
    await expect(missing.check()).rejects.toMatchObject(expected)
  })

  it('names the credential variables when access is denied', async () => {
    const denied = open({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'WRONG' } })
    const expected = { statusCode: 503, code: 'storage_access_denied', message: expect.stringMatching(new RegExp(`bucket "${s3.bucket}".*AWS_ACCESS_KEY_ID`)) }
    await expect(denied.put('audio/x', new Uint8Array([1]))).rejects.toMatchObject(expected)
    await expect(denied.check()).rejects.toMatchObject(expected)
  })

  it('names S3_ENDPOINT when the server cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port
        srv.close(() => resolve(p))
      })
    })
    const unreachable = open({ endpoint: `http://127.0.0.1:${port}` })
    await expect(unreachable.check()).rejects.toMatchObject({
      code: 'storage_unreachable',
      message: expect.stringContaining(`http://127.0.0.1:${port} (S3_ENDPOINT)`)
    })
  })
})
