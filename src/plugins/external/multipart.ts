import fp from 'fastify-plugin'
import multipart from '@fastify/multipart'

export default fp(
  async (fastify) => {
    await fastify.register(multipart, {
      limits: {
        fileSize: Math.floor(fastify.config.MAX_UPLOAD_MB * 1024 * 1024),
        files: 1,
        fields: 30,
        fieldSize: 64 * 1024
      }
    })
  },
  { name: 'multipart', dependencies: ['config'] }
)
