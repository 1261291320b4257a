import fp from 'fastify-plugin'
import multipart from '@fastify/multipart'

/** Parser limits besides the file size; readUpload names them when a form breaks one. */
export const FORM_LIMITS = { files: 1, fields: 30, fieldSize: 64 * 1024 }

export default fp(
  async (fastify) => {
    await fastify.register(multipart, {
      limits: {
        fileSize: Math.floor(fastify.config.MAX_UPLOAD_MB * 1024 * 1024),
        ...FORM_LIMITS
      }
    })
  },
  { name: 'multipart', dependencies: ['config'] }
)
