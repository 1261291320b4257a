import { createWriteStream } from 'node:fs'
import { access, constants, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { unavailable } from '../errors.js'
import { assertKey, blobNotFound, type BlobBody, type BlobStore } from './types.js'

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT'

/**
 * Files under `<dataDir>/blobs`, laid out as the keys say, so the directory can be copied into a
 * bucket as it is. Only processes that share this disk see the files.
 */
export function createLocalStore(dataDir: string): BlobStore {
  const root = resolve(dataDir, 'blobs')
  const where = `${root} (DATA_DIR)`
  const pathOf = (key: string) => {
    assertKey(key)
    return join(root, key)
  }
  const failed = (what: string, err: unknown) => unavailable(`Could not ${what} under ${where}: ${(err as Error).message}`, 'storage_error')

  async function readable<T>(key: string, read: (path: string) => Promise<T>): Promise<T> {
    try {
      return await read(pathOf(key))
    } catch (err) {
      if (isMissing(err)) throw blobNotFound(key, where)
      throw failed(`read "${key}"`, err)
    }
  }

  return {
    kind: 'local',
    async put(key, body: BlobBody) {
      const path = pathOf(key)
      // Write beside the target and rename, so a reader never sees half a file.
      const tmp = `${path}.${randomUUID()}.tmp`
      try {
        await mkdir(dirname(path), { recursive: true })
        if (body instanceof Readable) await pipeline(body, createWriteStream(tmp))
        else await writeFile(tmp, body)
        await rename(tmp, path)
      } catch (err) {
        await rm(tmp, { force: true }).catch(() => {})
        throw failed(`store "${key}"`, err)
      }
    },
    get: (key) => readable(key, (path) => readFile(path)),
    stream: (key) =>
      readable(key, async (path) => {
        // Opening first turns a missing file into a not-found here rather than a stream error later.
        const handle = await open(path)
        return handle.createReadStream()
      }),
    async delete(key) {
      await rm(pathOf(key), { force: true })
    },
    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile()
      } catch (err) {
        if (isMissing(err)) return false
        throw failed(`look up "${key}"`, err)
      }
    },
    url: async () => null,
    async check() {
      try {
        await mkdir(root, { recursive: true })
        await access(root, constants.W_OK)
      } catch (err) {
        throw failed('write', err)
      }
      return { kind: 'local', directory: root }
    },
    close: async () => {}
  }
}
