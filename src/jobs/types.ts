import type { CallOptionsInput } from '../schemas/call-options.js'

/**
 * Every background job by name with its payload: the one place `queue.add` and the handlers are
 * checked against. Payloads travel through Redis as JSON, so they hold ids and options, never records.
 */
export interface JobPayloads {
  'process-call': { id: string; options: CallOptionsInput }
  'deliver-webhook': { id: string }
  'purge-dead-tokens': Record<string, never>
  'recover-calls': Record<string, never>
  'coach-analysis': { sessionId: string }
  'coach-report': { reportId: string }
}

export type JobName = keyof JobPayloads
