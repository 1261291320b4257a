import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'

export interface S3Stub {
  endpoint: string
  bucket: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  /** The variables that point voxlens (and the AWS SDK's default credential chain) at this server. */
  env: Record<string, string>
  /** An SDK client of its own, to look inside the bucket from a test. */
  client: S3Client
  close(): Promise<void>
}

/** s3rver: a local server speaking the S3 REST protocol, with one bucket made at start. */
export async function startS3(bucket = `vx-test-${randomBytes(4).toString('hex')}`): Promise<S3Stub> {
  const directory = await mkdtemp(join(tmpdir(), 'vx-s3rver-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials })
  return {
    endpoint,
    bucket,
    credentials,
    client,
    env: {
      S3_BUCKET_NAME: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey
    },
    async close() {
      client.destroy()
      await server.close()
      await rm(directory, { recursive: true, force: true })
    }
  }
}
