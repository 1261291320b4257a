import closeWithGrace from 'close-with-grace'
import { loadConfigOrExit } from './config.js'
import { buildWorkerApp } from './worker-app.js'

/**
 * `npm run worker`: consumes background jobs from Redis without serving HTTP. Start as many as you
 * like, on any machine that reaches the same REDIS_URL, DATABASE_URL and file storage.
 */
async function main() {
  const config = loadConfigOrExit()
  if (!config.REDIS_URL) {
    console.error('REDIS_URL is not set: a separate worker needs Redis to share jobs with the API. Without Redis the API runs jobs itself.')
    process.exit(1)
  }
  const worker = await buildWorkerApp({ config })
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) {
      worker.log.error({ err }, 'worker stopping after an unexpected error')
      // Sent before closing: a close that outlasts the grace delay ends the process without onClose.
      worker.errorTracking.capture(err, { level: 'fatal', tags: { crash: true } })
      await worker.errorTracking.flush()
    } else worker.log.info({ signal }, 'worker stopping')
    await worker.close()
  })
  try {
    await worker.ready()
  } catch (err) {
    worker.log.fatal({ err }, 'worker could not start')
    await worker.close().catch(() => {})
    process.exit(1)
  }
  worker.log.info({ kind: worker.queue.kind }, 'worker ready')
}

void main()
