import Fastify from 'fastify'
import closeWithGrace from 'close-with-grace'
import { app, serverOptions } from './app.js'
import { loadConfigOrExit } from './config.js'

/**
 * `npm run worker`: consumes background jobs from Redis without serving HTTP. Start as many as you
 * like, on any machine that reaches the same REDIS_URL and DATABASE_URL.
 */
async function main() {
  const config = loadConfigOrExit()
  if (!config.REDIS_URL) {
    console.error('REDIS_URL is not set: a separate worker needs Redis to share jobs with the API. Without Redis the API runs jobs itself.')
    process.exit(1)
  }
  const worker = Fastify(serverOptions(config))
  await worker.register(app, { config, jobs: { work: true } })
  await worker.ready()
  worker.log.info('worker ready')
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) worker.log.error({ err }, 'worker stopping after an unexpected error')
    else worker.log.info({ signal }, 'worker stopping')
    await worker.close()
  })
}

void main()
