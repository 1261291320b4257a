import { open, readFile } from 'node:fs/promises'
import { HttpError } from '../errors.js'
import type { PcmAudio } from '../stt/types.js'
import { NOTHING, summarise } from './aggregate.js'
import type { Scored } from './combine.js'
import { readText } from './text.js'
import { EMOTION_LABELS, type EmotionEngine, type EmotionLabel, type LabelScores, type UtteranceInput } from './types.js'

/** The slice of onnxruntime-node this engine uses; typed here so the package stays optional. */
export interface OrtRuntime {
  InferenceSession: { create(path: string): Promise<OrtSession> }
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown
}
interface OrtSession {
  inputNames: readonly string[]
  outputNames: readonly string[]
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>
  release(): Promise<void>
}
interface Loaded {
  ort: OrtRuntime
  session: OrtSession
  labels: EmotionLabel[]
}

/** Class order of the common IEMOCAP four-class models (e.g. wav2vec2 "superb" ER). */
const DEFAULT_CLASSES = ['neutral', 'happy', 'angry', 'sad']
/** Models trained on short clips gain nothing from more audio and would only cost memory. */
const MAX_SECONDS = 30
const MIN_SAMPLES = 8000
/** Model class names by prefix, onto our labels; classes with no counterpart go where they are nearest. */
const CLASS_MAP: [string, EmotionLabel][] = [
  ['neu', 'neutral'],
  ['cal', 'satisfied'],
  ['hap', 'happy'],
  ['joy', 'happy'],
  ['exc', 'happy'],
  ['ang', 'angry'],
  ['sad', 'sad'],
  ['fea', 'sad'],
  ['fru', 'frustrated'],
  ['dis', 'frustrated'],
  ['con', 'frustrated'],
  ['sur', 'confused']
]

const importRuntime = async (): Promise<OrtRuntime> => {
  const name = 'onnxruntime-node' // a variable keeps TypeScript from requiring the package at build time
  return (await import(name)) as OrtRuntime
}

/**
 * Speech-emotion classification with an ONNX model, e.g. a wav2vec2 model fine-tuned on
 * IEMOCAP. Contract: input 0 takes float32 [1, samples] of 16 kHz audio (normalised here to
 * zero mean, unit variance), output 0 gives one logit per class. Class names come from
 * `<model>.labels.json` (a JSON array) beside the model, else the IEMOCAP order above.
 * Sentiment still comes from the transcript: such models do not score polarity.
 * `runtime` exists for tests; production loads onnxruntime-node.
 */
export function createOnnxEmotion(opts: { modelPath?: string }, runtime: () => Promise<OrtRuntime> = importRuntime): EmotionEngine {
  let loading: Promise<Loaded | { reason: string }> | undefined
  const load = () => (loading ??= loadModel(opts.modelPath, runtime))

  return {
    name: 'onnx',
    async available() {
      const loaded = await load()
      return 'reason' in loaded ? { ok: false, reason: loaded.reason } : { ok: true }
    },
    async analyze(audio: PcmAudio, utterances: UtteranceInput[], signal?: AbortSignal) {
      const loaded = await load()
      if ('reason' in loaded) throw new HttpError(503, 'engine_unavailable', `Emotion model unavailable: ${loaded.reason}`)
      if (utterances.length === 0) return { utterances: [], overall: NOTHING, bySpeaker: {} }
      const scored: Scored[] = []
      for (const u of utterances) {
        signal?.throwIfAborted()
        const from = Math.max(0, Math.floor(u.start * audio.sampleRate))
        const to = Math.min(audio.samples.length, from + MAX_SECONDS * audio.sampleRate, Math.ceil(u.end * audio.sampleRate))
        const text = readText(u.text)
        scored.push({
          probs: await classify(loaded, audio.samples.subarray(from, Math.max(from, to))),
          sentimentScore: text.polarity,
          cues: text.hits.length ? { text: text.hits } : {}
        })
      }
      return summarise(utterances, scored)
    },
    async close() {
      const loaded = await loading
      loading = undefined
      if (loaded && 'session' in loaded) await loaded.session.release()
    }
  }
}

async function loadModel(path: string | undefined, runtime: () => Promise<OrtRuntime>): Promise<Loaded | { reason: string }> {
  if (!path) return { reason: 'EMOTION_MODEL_PATH is not set: point it at a speech-emotion .onnx model' }
  const head = Buffer.alloc(1)
  try {
    const file = await open(path)
    await file.read(head, 0, 1, 0).finally(() => file.close())
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return { reason: code === 'ENOENT' ? `${path} does not exist` : `cannot read ${path}: ${code ?? String(err)}` }
  }
  // A serialized ModelProto opens with its ir_version field (tag 0x08); catch a wrong file early.
  if (head[0] !== 0x08) return { reason: `${path} is not an ONNX model` }

  let ort: OrtRuntime
  try {
    ort = await runtime()
  } catch {
    return { reason: 'onnxruntime-node is not installed: add it to use EMOTION_MODEL_PATH' }
  }
  let classes = DEFAULT_CLASSES
  try {
    classes = JSON.parse(await readFile(path.replace(/\.onnx$/i, '') + '.labels.json', 'utf8')) as string[]
  } catch {
    // no sidecar: the default class order applies
  }
  try {
    const loaded: Loaded = { ort, session: await ort.InferenceSession.create(path), labels: classes.map(toLabel) }
    // One silent second proves the model's input and output shapes before a request depends on them.
    const probe = await classifyRaw(loaded.session, new Float32Array(16000), ort)
    if (probe.length !== classes.length) return { reason: `${path} outputs ${probe.length} classes but ${classes.length} class names are known` }
    return loaded
  } catch (err) {
    return { reason: `${path} could not be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` }
  }
}

function toLabel(name: string): EmotionLabel {
  const lower = String(name).toLowerCase()
  return CLASS_MAP.find(([prefix]) => lower.startsWith(prefix))?.[1] ?? 'neutral'
}

async function classify(loaded: Loaded, samples: Float32Array): Promise<LabelScores> {
  const logits = await classifyRaw(loaded.session, samples, loaded.ort)
  const top = Math.max(...logits)
  const exp = logits.map((v) => Math.exp(v - top))
  const total = exp.reduce((a, b) => a + b, 0)
  const probs = Object.fromEntries(EMOTION_LABELS.map((l) => [l, 0])) as LabelScores
  exp.forEach((e, i) => (probs[loaded.labels[i]] += e / total))
  return probs
}

async function classifyRaw(session: OrtSession, samples: Float32Array, ort: OrtRuntime): Promise<number[]> {
  const input = new Float32Array(Math.max(samples.length, MIN_SAMPLES))
  let mean = 0
  for (let i = 0; i < samples.length; i++) mean += samples[i] / samples.length
  let variance = 0
  for (let i = 0; i < samples.length; i++) variance += (samples[i] - mean) ** 2 / samples.length
  const scale = 1 / Math.sqrt(variance + 1e-7)
  for (let i = 0; i < samples.length; i++) input[i] = (samples[i] - mean) * scale
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [1, input.length]) })
  return Array.from(out[session.outputNames[0]].data as Float32Array)
}
