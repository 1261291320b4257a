import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpError } from '../../src/errors.js'
import { createOnnxEmotion } from '../../src/emotion/index.js'
import { sine } from './audio.js'
import { tinyEmotionModel } from './tiny-onnx.js'

const audio = { samples: sine(180, 2), sampleRate: 16000 as const }
const utterances = [{ speaker: 'A', start: 0, end: 2, text: 'thank you so much' }]
const runtimeName = 'onnxruntime-node'
const hasRuntime = await import(runtimeName).then(
  () => true,
  () => false
)
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voxlens-emotion-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function expectUnavailable(modelPath: string | undefined, reason: RegExp) {
  const engine = createOnnxEmotion({ modelPath })
  const status = await engine.available()
  expect(status.ok).toBe(false)
  expect(status.reason).toMatch(reason)
  const err = await engine.analyze(audio, utterances).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(HttpError)
  expect(err).toMatchObject({ statusCode: 503, code: 'engine_unavailable' })
  expect((err as Error).message).toMatch(reason)
  await engine.close()
}

describe('ONNX emotion engine', () => {
  it('explains that no model is configured', () => expectUnavailable(undefined, /EMOTION_MODEL_PATH is not set/))

  it('explains that the model file is missing', () => expectUnavailable(join(dir, 'nowhere.onnx'), /nowhere\.onnx does not exist/))

  it('rejects a file that is not a model', async () => {
    const path = join(dir, 'garbage.onnx')
    await writeFile(path, 'this is not a model, just text')
    await expectUnavailable(path, /garbage\.onnx is not an ONNX model/)
  })

  it.skipIf(hasRuntime)('says how to get the runtime when onnxruntime-node is not installed', async () => {
    const path = join(dir, 'tiny.onnx')
    await writeFile(path, tinyEmotionModel([0, 0, 3, 0]))
    await expectUnavailable(path, /onnxruntime-node is not installed/)
  })

  it.runIf(hasRuntime)('rejects a protobuf that is not a valid model', async () => {
    const path = join(dir, 'broken.onnx')
    await writeFile(path, Buffer.concat([tinyEmotionModel([0, 1]).subarray(0, 40)]))
    await expectUnavailable(path, /broken\.onnx could not be loaded/)
  })

  it.runIf(hasRuntime)('classifies with a real model and maps its classes onto our labels', async () => {
    const path = join(dir, 'iemocap.onnx')
    await writeFile(path, tinyEmotionModel([0, 0, 3, 0])) // neutral, happy, angry, sad
    const engine = createOnnxEmotion({ modelPath: path })
    expect(await engine.available()).toEqual({ ok: true })
    const result = await engine.analyze(audio, utterances)
    expect(result.utterances[0]).toMatchObject({ emotion: 'angry', sentiment: 'POSITIVE' })
    expect(result.utterances[0].confidence).toBeGreaterThan(0.8)
    await engine.close()

    const custom = join(dir, 'custom.onnx')
    await writeFile(custom, tinyEmotionModel([0, 0, 0, 4, 0]))
    await writeFile(join(dir, 'custom.labels.json'), JSON.stringify(['calm', 'joy', 'fear', 'surprise', 'disgust']))
    const second = createOnnxEmotion({ modelPath: custom })
    expect((await second.analyze(audio, utterances)).overall.emotion).toBe('confused')
    await second.close()
  })

  it.runIf(hasRuntime)('refuses a model whose classes do not match its labels', async () => {
    const path = join(dir, 'three.onnx')
    await writeFile(path, tinyEmotionModel([0, 1, 2]))
    await expectUnavailable(path, /outputs 3 classes but 4 class names are known/)
  })
})
