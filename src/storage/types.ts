import type { Readable } from 'node:stream'
import { notFound } from '../errors.js'

export type BlobBody = Uint8Array | Readable

export interface PutOptions {
  contentType?: string
  /** Size of a stream body when the caller knows it; lets S3 take the stream without buffering it. */
  contentLength?: number
}

export interface StorageStatus {
  kind: 'local' | 's3'
  [detail: string]: unknown
}

/**
 * Every file voxlens keeps (uploaded audio, and later generated audio and reports) goes through one
 * of these, addressed by a key such as `audio/<id>`. Failures are HttpErrors whose messages name the
 * directory or bucket and the variable that configures it.
 */
export interface BlobStore {
  readonly kind: 'local' | 's3'
  put(key: string, body: BlobBody, opts?: PutOptions): Promise<void>
  /** The whole file; a missing key is a 404 `blob_not_found`. */
  get(key: string): Promise<Buffer>
  stream(key: string): Promise<Readable>
  /** Removing a key that is not there is not an error. */
  delete(key: string): Promise<void>
  exists(key: string): Promise<boolean>
  /**
   * A time-limited GET URL for the file, or null when the store cannot hand out direct links (local
   * disk): then the bytes must be served through the API.
   */
  url(key: string, opts?: { expiresIn?: number }): Promise<string | null>
  /** For /ready: throws unless the store can be written. */
  check(): Promise<StorageStatus>
  close(): Promise<void>
}

// Keys become file paths on local disk, so anything that could climb out of the root is refused.
const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/

export function assertKey(key: string): void {
  if (key.length > 512 || !KEY.test(key) || key.split('/').includes('..')) throw new TypeError(`Invalid storage key ${JSON.stringify(key)}`)
}

export const blobNotFound = (key: string, where: string) => notFound(`No stored file "${key}" in ${where}.`, 'blob_not_found')
