import { expect, it } from 'vitest'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import type { BlobStore } from '../../src/storage/types.js'

const bytes = (text: string) => new Uint8Array(Buffer.from(text))

/** What every blob store must do, whatever holds the bytes. */
export function behavesLikeABlobStore(store: () => BlobStore) {
  it('stores, reads, streams and deletes a file', async () => {
    const s = store()
    const body = bytes('RIFF....WAVE a small recording')
    await s.put('audio/rec-1', body, { contentType: 'audio/wav' })
    expect(await s.exists('audio/rec-1')).toBe(true)
    expect(new Uint8Array(await s.get('audio/rec-1'))).toEqual(body)
    expect(new Uint8Array(await buffer(await s.stream('audio/rec-1')))).toEqual(body)
    await s.delete('audio/rec-1')
    expect(await s.exists('audio/rec-1')).toBe(false)
    // Deleting twice is not an error: a retried delete must succeed.
    await s.delete('audio/rec-1')
  })

  it('takes a stream body, with or without its length, and replaces an existing file', async () => {
    const s = store()
    const big = Buffer.alloc(300_000, 7)
    await s.put('reports/r.pdf', Readable.from([big.subarray(0, 100_000), big.subarray(100_000)]), { contentType: 'application/pdf' })
    expect((await s.get('reports/r.pdf')).equals(big)).toBe(true)
    await s.put('reports/r.pdf', Readable.from([Buffer.from('second')]), { contentLength: 6 })
    expect((await s.get('reports/r.pdf')).toString()).toBe('second')
  })

  it('reports a missing file as a 404 that names the key', async () => {
    const s = store()
    for (const read of [() => s.get('audio/never-stored'), () => s.stream('audio/never-stored')]) {
      const err = await read().then(
        () => null,
        (e: unknown) => e
      )
      expect(err).toMatchObject({ statusCode: 404, code: 'blob_not_found', message: expect.stringContaining('"audio/never-stored"') })
    }
    expect(await s.exists('audio/never-stored')).toBe(false)
  })

  it('refuses keys that could escape the store', async () => {
    const s = store()
    for (const key of ['../outside', 'audio/../../etc/passwd', '/absolute', 'a//b', '']) {
      await expect(s.put(key, bytes('x'))).rejects.toThrow(/Invalid storage key/)
    }
  })

  it('passes its readiness check', async () => {
    expect((await store().check()).kind).toBe(store().kind)
  })
}
