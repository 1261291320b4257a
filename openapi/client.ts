import createClient, { type ClientOptions } from 'openapi-fetch'
import type { components, paths } from './schema.js'

export type { paths, components, operations } from './schema.js'

export type CallRecord = components['schemas']['CallRecord']
export type EnvelopeError = components['schemas']['EnvelopeError']
/** The options of POST /api/calls: every form field but the file. */
export type CallOptions = Omit<NonNullable<paths['/api/calls']['post']['requestBody']>['content']['multipart/form-data'], 'file'>

/** What an upload gives back: the finished record, or only its id when it was queued (`async: true`). */
export type CallUpload = { id: string; queued: false; record: CallRecord } | { id: string; queued: true; record: null }

/** A refusal from the /api family, with its stable code and HTTP status. */
export class VoxlensError extends Error {
  constructor(readonly status: number, readonly body: EnvelopeError) {
    super(body.error)
    this.name = 'VoxlensError'
  }

  get code() {
    return this.body.code
  }
}

/**
 * Bodies with a Blob (a file upload) go as multipart/form-data, the rest as JSON. Other fields
 * become text parts, arrays one part per item, the way the multipart routes read them.
 */
export function serializeBody(body: unknown): FormData | string {
  if (typeof body !== 'object' || body === null || !Object.values(body).some((v) => v instanceof Blob)) return JSON.stringify(body)
  const form = new FormData()
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item instanceof Blob) form.append(name, item, item instanceof File ? item.name : name)
      else form.append(name, String(item))
    }
  }
  return form
}

/**
 * A typed client for the voxlens API. Paths, parameters, bodies and responses are checked against
 * openapi.json at compile time; a Blob in a body sends it as a multipart upload.
 *
 *   const api = createVoxlensClient({ baseUrl: 'http://localhost:3000', token })
 *   const { data, error } = await api.GET('/api/calls', { params: { query: { limit: 10 } } })
 *   const { record } = await api.uploadCall(new File([bytes], 'call.wav'), { speakers_expected: 2 })
 */
export function createVoxlensClient(opts: ClientOptions & { token?: string }) {
  const { token, headers, ...rest } = opts
  const client = createClient<paths>({
    bodySerializer: serializeBody,
    ...rest,
    headers: { ...(headers as Record<string, string> | undefined), ...(token && { authorization: `Bearer ${token}` }) }
  })

  /** POST /api/calls: the finished record (201), or the queued id (202); a refusal throws a VoxlensError. */
  async function uploadCall(file: Blob, options: CallOptions = {}): Promise<CallUpload> {
    const { data, error, response } = await client.POST('/api/calls', { body: { ...options, file } })
    if (error) throw new VoxlensError(response.status, error)
    const body = data.data
    return 'filename' in body ? { id: body.id, queued: false, record: body } : { id: body.id, queued: true, record: null }
  }

  return Object.assign(client, { uploadCall })
}
