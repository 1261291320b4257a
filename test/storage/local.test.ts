import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLocalStore } from '../../src/storage/local.js'
import type { BlobStore } from '../../src/storage/types.js'
import { behavesLikeABlobStore } from './contract.js'

describe('local disk store', () => {
  let dir: string
  let store: BlobStore
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vx-blobs-'))
    store = createLocalStore(dir)
  })
  afterAll(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  behavesLikeABlobStore(() => store)

  it('keeps files under DATA_DIR/blobs laid out by key, and has no direct links', async () => {
    await store.put('audio/abc', new Uint8Array([1, 2, 3]))
    expect(existsSync(join(dir, 'blobs', 'audio', 'abc'))).toBe(true)
    expect(await store.url('audio/abc')).toBeNull()
  })

  it('names DATA_DIR when the directory cannot be written', async () => {
    const file = join(dir, 'not-a-directory')
    await writeFile(file, 'x')
    const broken = createLocalStore(file)
    await expect(broken.check()).rejects.toMatchObject({ statusCode: 503, message: expect.stringContaining('(DATA_DIR)') })
    await expect(broken.put('audio/x', new Uint8Array([1]))).rejects.toMatchObject({ code: 'storage_error', message: expect.stringContaining(file) })
  })
})
