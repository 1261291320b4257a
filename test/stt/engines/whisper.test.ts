import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readGgmlHeader } from '../../../src/stt/engines/ggml.js'
import { createWhisperEngine } from '../../../src/stt/engines/whisper.js'
import { toWhisperTranscript } from '../../../src/stt/engines/whisper-transcript.js'
import { speechLike } from './fixtures.js'

/** A file with a plausible ggml header (tiny.en's sizes) and no weights behind it. */
function fakeGgml(nVocab = 51864): Buffer {
  const b = Buffer.alloc(4096)
  b.writeUInt32LE(0x67676d6c, 0)
  ;[nVocab, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1].forEach((v, i) => b.writeInt32LE(v, 4 + i * 4))
  return b
}

describe('whisper engine without a usable model', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vx-whisper-'))
    await writeFile(join(dir, 'notes.txt'), '<!DOCTYPE html><html><body>Entry not found</body></html>\n')
    await writeFile(join(dir, 'model.gguf'), Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(100)]))
    await writeFile(join(dir, 'tiny.bin'), Buffer.from([0x6c, 0x6d, 0x67, 0x67]))
    await writeFile(join(dir, 'empty-weights.bin'), fakeGgml())
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it.each([
    ['unset', undefined, /WHISPER_MODEL_PATH is not set.*models:download/],
    ['missing', 'nope.bin', /does not exist/],
    ['a directory', '.', /is a directory/],
    ['an HTML page', 'notes.txt', /a text file.*not a whisper\.cpp ggml model/],
    ['a GGUF file', 'model.gguf', /GGUF file/],
    ['truncated', 'tiny.bin', /only 4 bytes/]
  ])('reports a model path that is %s as unavailable and refuses to transcribe', async (_, name, reason) => {
    const engine = createWhisperEngine({ modelPath: name === undefined ? undefined : join(dir, name) })
    const status = await engine.available()
    expect(status.ok).toBe(false)
    expect(status.reason).toMatch(reason)
    await expect(engine.transcribe(speechLike(0.5))).rejects.toMatchObject({
      code: 'engine_unavailable',
      statusCode: 503,
      message: expect.stringMatching(reason)
    })
    await engine.close()
  })

  it('survives a ggml file the native loader rejects, and says so', async () => {
    const engine = createWhisperEngine({ modelPath: join(dir, 'empty-weights.bin') })
    expect(await engine.available()).toEqual({ ok: true }) // the header alone looks right
    await expect(engine.warm!()).rejects.toMatchObject({ code: 'engine_unavailable', message: expect.stringContaining('could not load') })
    const status = await engine.available()
    expect(status.ok).toBe(false)
    expect(status.reason).toMatch(/Failed to initialize Whisper model/)
    // The failure is remembered: no new process per request.
    await expect(engine.transcribe(speechLike(0.5))).rejects.toMatchObject({ code: 'engine_unavailable' })
    await engine.close()
  })
})

describe('readGgmlHeader', () => {
  it('reads sizes and tells English-only models from multilingual ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vx-ggml-'))
    await writeFile(join(dir, 'en.bin'), fakeGgml(51864))
    await writeFile(join(dir, 'multi.bin'), fakeGgml(51865))
    const broken = fakeGgml()
    broken.writeInt32LE(77, 4 + 9 * 4) // n_mels
    await writeFile(join(dir, 'broken.bin'), broken)
    expect(await readGgmlHeader(join(dir, 'en.bin'))).toMatchObject({ header: { nVocab: 51864, nMels: 80, multilingual: false } })
    expect(await readGgmlHeader(join(dir, 'multi.bin'))).toMatchObject({ header: { multilingual: true } })
    expect(await readGgmlHeader(join(dir, 'broken.bin'))).toMatchObject({ problem: expect.stringContaining('damaged') })
    await rm(dir, { recursive: true, force: true })
  })
})

describe('toWhisperTranscript', () => {
  const raw = [
    { text: ' Hello', start: 0, end: 0.4 },
    { text: ' world', start: 0.4, end: 0.8 },
    { text: '.', start: 0.8, end: 0.85 },
    { text: '[BLANK_AUDIO]', start: 0.9, end: 2 },
    { text: ' Again', start: 2.5, end: 3 },
    { text: ' here', start: 3, end: 3.2 }
  ]

  it('turns word-mode segments into words and rebuilds sentences at punctuation and pauses', () => {
    const t = toWhisperTranscript(raw, true, 'en', 4)
    expect(t.words.map((w) => [w.word, w.start, w.end])).toEqual([
      ['Hello', 0, 0.4],
      ['world.', 0.4, 0.85],
      ['Again', 2.5, 3],
      ['here', 3, 3.2]
    ])
    expect(t.segments).toEqual([
      { id: 0, start: 0, end: 0.85, text: 'Hello world.' },
      { id: 1, start: 2.5, end: 3.2, text: 'Again here' }
    ])
    expect(t).toMatchObject({ text: 'Hello world. Again here', language: 'en', duration: 4 })
  })

  it('keeps whisper segments as they are when word timings are off', () => {
    const t = toWhisperTranscript([{ text: ' Hello world.', start: 0, end: 0.85 }], false, 'english', 1)
    expect(t).toMatchObject({ words: [], segments: [{ id: 0, text: 'Hello world.' }], language: 'en' })
  })
})
