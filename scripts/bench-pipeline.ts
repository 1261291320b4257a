/**
 * npm run bench:pipeline — the whole analysis pipeline against the speech-to-text stage alone, on
 * the same generated conversation in the same run. Goal: pipeline time ≤ 1.15 × STT time.
 *
 *   decode → (diarize ∥ transcribe) → emotion → analyze      vs      transcribe
 */
import { readFileSync } from 'node:fs'
import { buildConversation, SALES_CALL, type Turn } from '../test/fixtures/conversation.js'
import { createSpeechService } from '../src/stt/service.js'
import { createSphinxEngine } from '../src/stt/sphinx/index.js'
import { createBuiltinDiarizer, assignSpeakers } from '../src/diarization/index.js'
import { createBuiltinEmotion } from '../src/emotion/index.js'
import { createAnalyzer } from '../src/analysis/index.js'
import { startDiarization, understandConversation, type Stage } from '../src/pipeline/conversation.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const MORE: Turn[] = [
  { voice: 'rms', text: 'Could you tell me the name of your business and the best email to reach you?' },
  { voice: 'slt', text: 'Sure, it is Green Leaf Bakery, and my email is orders at green leaf bakery dot com.' },
  { voice: 'rms', text: 'Perfect. Your plan starts on Monday and the first invoice arrives at the end of the month.' },
  { voice: 'slt', text: 'That sounds good. Will I get a confirmation by email as well?' },
  { voice: 'rms', text: 'Yes, you will receive a confirmation within the hour. Is there anything else I can help with?' },
  { voice: 'slt', text: 'No, that is everything. Thank you for your help, have a nice day.' }
]

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function main() {
  const conv = await buildConversation([...SALES_CALL, ...MORE, ...SALES_CALL, ...MORE])
  const bytes = readFileSync(conv.path)
  const sphinx = createSphinxEngine({})
  const stt = createSpeechService({ engines: [sphinx], defaultEngine: 'sphinx', maxAudioSeconds: 3600 })
  await stt.warm()
  const deps = { diarizer: createBuiltinDiarizer(), emotion: createBuiltinEmotion(), assignSpeakers }
  const analyzer = createAnalyzer({ timeoutSeconds: 30 })

  const sttOnly: number[] = []
  const full: number[] = []
  const stages: Record<string, number[]> = {}
  const stage: Stage = async (name, _engine, work) => {
    const t0 = performance.now()
    try {
      return await work()
    } finally {
      ;(stages[name] ??= []).push(performance.now() - t0)
    }
  }
  const decoded = await stt.decode(bytes)
  console.log(`conversation: ${conv.duration.toFixed(1)} s of audio, ${conv.reference.length} turns, ${RUNS} runs each (medians)`)

  // Alternate the two so machine noise hits both alike.
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now()
    await stt.transcribe(decoded)
    sttOnly.push(performance.now() - t0)

    t0 = performance.now()
    const audio = await stage('decode', 'builtin', () => stt.decode(bytes))
    const pcm = { samples: audio.samples, sampleRate: 16000 as const }
    const diarizing = startDiarization(deps, pcm, undefined, stage)
    const { transcript } = await stage('stt', 'sphinx', () => stt.transcribe(audio))
    const c = await understandConversation(deps, pcm, transcript, { diarize: true, emotion: true }, stage, undefined, diarizing)
    await stage('analyze', 'builtin', () => analyzer.analyze({ utterances: c.utterances, transcript: transcript.text, durationSeconds: transcript.duration }))
    full.push(performance.now() - t0)
    if (i === 0) console.log(`speakers found: ${c.speakers.length}, utterances: ${c.utterances.length}, problems: ${c.problems.join('; ') || 'none'}`)
  }

  const s = median(sttOnly)
  const f = median(full)
  for (const [name, xs] of Object.entries(stages)) console.log(`  stage ${name.padEnd(8)} ${median(xs).toFixed(0).padStart(7)} ms`)
  console.log(`STT alone:      ${s.toFixed(0)} ms  (${(conv.duration / (s / 1000)).toFixed(1)}x real time)`)
  console.log(`whole pipeline: ${f.toFixed(0)} ms  (${(conv.duration / (f / 1000)).toFixed(1)}x real time)`)
  console.log(`ratio pipeline / STT: ${(f / s).toFixed(3)}  (goal <= 1.15)`)
  await Promise.all([stt.close(), deps.diarizer.close(), deps.emotion.close()])
  process.exit(0)
}

void main()
