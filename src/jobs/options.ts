import type { Config } from '../config.js'
import type { JobDefaults } from '../queue/types.js'
import type { JobPayloads } from './types.js'

/**
 * Retry policy per job. Webhooks retry with exponential backoff (2 s, 4 s, 8 s ... by default) so a
 * receiver that is down for a minute still gets the event; a call is processed once, since the
 * pipeline records its own failure on the record.
 */
export function jobDefaults(config: Config): JobDefaults<JobPayloads> {
  return {
    'deliver-webhook': { attempts: config.WEBHOOK_ATTEMPTS, backoff: { type: 'exponential', delay: config.WEBHOOK_RETRY_BASE_MS } }
  }
}
