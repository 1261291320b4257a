import createClient, { type ClientOptions } from 'openapi-fetch'
import type { paths } from './schema.js'

export type { paths, components, operations } from './schema.js'

/**
 * A typed client for the voxlens API. Paths, parameters, bodies and responses are checked against
 * openapi.json at compile time.
 *
 *   const api = createVoxlensClient({ baseUrl: 'http://localhost:3000', token })
 *   const { data, error } = await api.GET('/api/calls', { params: { query: { limit: 10 } } })
 */
export function createVoxlensClient(opts: ClientOptions & { token?: string }) {
  const { token, headers, ...rest } = opts
  return createClient<paths>({
    ...rest,
    headers: { ...(headers as Record<string, string> | undefined), ...(token && { authorization: `Bearer ${token}` }) }
  })
}
