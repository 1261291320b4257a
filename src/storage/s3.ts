import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { HttpError, unavailable } from '../errors.js'
import { assertKey, blobNotFound, type BlobStore } from './types.js'

export interface S3StoreOptions {
  bucket: string
  region: string
  /** An S3-compatible server (MinIO, R2, ...); unset means AWS. */
  endpoint?: string
  forcePathStyle?: boolean
  presignedExpirySeconds: number
  /** Tests only: production takes credentials from the SDK's default chain (AWS_* variables, profile, role). */
  credentials?: S3ClientConfig['credentials']
}

interface SdkError {
  name?: string
  code?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'TimeoutError'])
const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'ExpiredToken', 'InvalidToken'])

/** Objects in one bucket through the AWS SDK v3; works with AWS S3 and S3-compatible servers. */
export function createS3Store(opts: S3StoreOptions): BlobStore {
  const { bucket } = opts
  const client = new S3Client({
    region: opts.region,
    endpoint: opts.endpoint,
    forcePathStyle: opts.forcePathStyle,
    credentials: opts.credentials,
    followRegionRedirects: true,
    // The SDK's default CRC checksums (sent as aws-chunked uploads) are not understood by every
    // S3-compatible server, so checksums are sent only where S3 demands them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000 }
  })
  const server = opts.endpoint ? `${opts.endpoint} (S3_ENDPOINT)` : `AWS region ${opts.region} (S3_REGION)`

  /** Turns SDK failures into messages that say which bucket, which variable and what to do. */
  function explain(err: unknown, op: string, key?: string): HttpError {
    const e = err as SdkError
    const name = e.name ?? ''
    const status = e.$metadata?.httpStatusCode
    const about = key ? ` "${key}"` : ''
    if (key && (name === 'NoSuchKey' || (name === 'NotFound' && op !== 'check'))) return blobNotFound(key, `bucket "${bucket}"`)
    if (name === 'NoSuchBucket' || (op === 'check' && status === 404)) {
      return unavailable(`Bucket "${bucket}" does not exist at ${server}: create it, or fix S3_BUCKET_NAME.`, 'storage_bucket_missing')
    }
    if (DENIED.has(name) || status === 403) {
      return unavailable(
        `Access to bucket "${bucket}" (S3_BUCKET_NAME) was denied (${name || status}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the role the SDK found, and the bucket's policy.`,
        'storage_access_denied'
      )
    }
    if (name === 'CredentialsProviderError') {
      return unavailable(
        `No AWS credentials for bucket "${bucket}": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or run with an IAM role).`,
        'storage_credentials_missing'
      )
    }
    if (NETWORK.has(e.code ?? '') || NETWORK.has(name)) {
      return unavailable(`Could not reach ${server} for bucket "${bucket}": ${e.code ?? name} ${e.message ?? ''}`.trim(), 'storage_unreachable')
    }
    return unavailable(`S3 ${op}${about} in bucket "${bucket}" failed: ${name || 'error'}: ${e.message ?? 'no message'}`, 'storage_error')
  }

  async function send<T>(op: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    if (key !== undefined) assertKey(key)
    try {
      return await run()
    } catch (err) {
      throw explain(err, op, key)
    }
  }

  return {
    kind: 's3',
    async put(key, body, { contentType, contentLength } = {}) {
      // PutObject needs a length; a stream of unknown size is collected first (a multipart upload
      // would avoid that but needs @aws-sdk/lib-storage).
      const known = body instanceof Readable && contentLength === undefined ? await buffer(body) : body
      await send('put', key, () =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: known,
            ContentType: contentType,
            ContentLength: known instanceof Readable ? contentLength : undefined
          })
        )
      )
    },
    async get(key) {
      return send('get', key, async () => {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        const bytes = await res.Body!.transformToByteArray()
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      })
    },
    async stream(key) {
      return send('get', key, async () => (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable)
    },
    async delete(key) {
      await send('delete', key, () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })))
    },
    async exists(key) {
      try {
        await send('head', key, () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))
        return true
      } catch (err) {
        if (err instanceof HttpError && err.code === 'blob_not_found') return false
        throw err
      }
    },
    async url(key, { expiresIn = opts.presignedExpirySeconds } = {}) {
      assertKey(key)
      // Signing is local: the URL is not checked against the bucket here.
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn })
    },
    async check() {
      await send('check', undefined, () => client.send(new HeadBucketCommand({ Bucket: bucket })))
      return { kind: 's3', bucket, ...(opts.endpoint && { endpoint: opts.endpoint }) }
    },
    close: async () => client.destroy()
  }
}
