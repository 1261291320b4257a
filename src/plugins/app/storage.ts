import fp from 'fastify-plugin'
import { createLocalStore } from '../../storage/local.js'
import type { BlobStore } from '../../storage/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    storage: BlobStore
  }
}

/**
 * Stored files: an S3 bucket when S3_BUCKET_NAME is set (shared by every API and worker process),
 * otherwise DATA_DIR on this machine's disk. The AWS SDK (~35 MB resident) is loaded only when S3 is used.
 */
export default fp(
  async (fastify) => {
    const c = fastify.config
    const storage = c.S3_BUCKET_NAME
      ? (await import('../../storage/s3.js')).createS3Store({
          bucket: c.S3_BUCKET_NAME,
          region: c.S3_REGION,
          endpoint: c.S3_ENDPOINT,
          forcePathStyle: c.S3_FORCE_PATH_STYLE,
          presignedExpirySeconds: c.S3_PRESIGNED_EXPIRY_SECONDS
        })
      : createLocalStore(c.DATA_DIR)
    fastify.log.info({ kind: storage.kind, ...(c.S3_BUCKET_NAME && { bucket: c.S3_BUCKET_NAME, endpoint: c.S3_ENDPOINT }) }, 'storage ready')
    fastify.decorate('storage', storage)
    fastify.addHook('onClose', async () => storage.close())
  },
  { name: 'storage', dependencies: ['config'] }
)
