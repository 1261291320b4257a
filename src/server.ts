import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfigOrExit } from './config.js'
import { DatabaseUnreachableError } from './db/wait.js'

async function main() {
  const config = loadConfigOrExit()

  const app = await buildApp({ config }).catch((err: unknown) => {
    // An unreachable database or an unreadable TLS file is an operator's problem, not a bug: one line, no stack.
    if (!(err instanceof DatabaseUnreachableError) && !(err instanceof ConfigError)) throw err
    console.error(err.message)
    process.exit(1)
  })

  // In-flight requests finish, then the database, Redis and queue close; past the delay we exit anyway.
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) {
      app.log.error({ err }, 'shutting down after an unexpected error')
      // Sent before closing: a close that outlasts the grace delay ends the process without onClose.
      app.errorTracking.capture(err, { level: 'fatal', tags: { crash: true } })
      await app.errorTracking.flush()
    } else app.log.info({ signal }, 'shutting down')
    await app.close()
  })

  try {
    await app.listen({ port: config.PORT, host: config.HOST })
    app.log.info(`docs at http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}/docs`)
  } catch (err) {
    app.log.fatal({ err }, 'could not start')
    await app.close().catch(() => {})
    process.exit(1)
  }
}

void main()
