import Fastify from 'fastify'
import closeWithGrace from 'close-with-grace'
import { app } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { serverOptions } from './app.js'

/**
 * `npm run worker`: consumes background jobs from Redis without serving HTTP. Start as many as you
 * like, on any machine that reaches the same REDIS_URL and DATABASE_URL.
 */
async function main() {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${err.message}\nFix the variables above (see .env.example) and start again.`)
      process.exit(1)
    }
    throw err
  }
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
