import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSherpaDiarizer } from '../../src/diarization/index.js'
import { HttpError } from '../../src/errors.js'

const audio = { samples: new Float32Array(16000), sampleRate: 16000 as const }

async function unavailable(promise: Promise<unknown>): Promise<HttpError> {
  const err = await promise.catch((e: unknown) => e)
  expect(err).toBeInstanceOf(HttpError)
  expect((err as HttpError).statusCode).toBe(503)
  expect((err as HttpError).code).toBe('engine_unavailable')
  return err as HttpError
}

describe('sherpa-onnx diarizer', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxlens-sherpa-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('says which variables to set when no models are configured', async () => {
    const engine = createSherpaDiarizer({})
    const status = await engine.available()
    expect(status.ok).toBe(false)
    expect(status.reason).toMatch(/SHERPA_SEGMENTATION_MODEL and SHERPA_EMBEDDING_MODEL not set/)
    expect((await unavailable(engine.diarize(audio))).message).toMatch(/SHERPA_SEGMENTATION_MODEL/)
  })

  it('names the variable whose file is missing', async () => {
    const embedding = join(dir, 'embedding.onnx')
    await writeFile(embedding, 'x')
    const engine = createSherpaDiarizer({ segmentationModel: join(dir, 'nope.onnx'), embeddingModel: embedding })
    expect((await engine.available()).reason).toBe(`SHERPA_SEGMENTATION_MODEL points to ${join(dir, 'nope.onnx')}, which is not a file`)
  })

  it('reports corrupt model files as unavailable instead of crashing the server', async () => {
    const [segmentation, embedding] = [join(dir, 'segmentation.onnx'), join(dir, 'garbage.onnx')]
    await writeFile(segmentation, Buffer.from('this is not an onnx model'))
    await writeFile(embedding, Buffer.alloc(4096, 7))
    const engine = createSherpaDiarizer({ segmentationModel: segmentation, embeddingModel: embedding })
    const status = await engine.available()
    expect(status.ok).toBe(false)
    expect(status.reason).toMatch(/the models could not be loaded: .*(Protobuf parsing failed|check your config)/)
    const err = await unavailable(engine.diarize(audio))
    expect(err.message).toContain(status.reason)
    await engine.close()
  })
})
