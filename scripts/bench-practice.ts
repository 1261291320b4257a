/**
 * npm run bench:practice — English-practice turns end to end on this machine, offline (built-in partner,
 * sphinx, harper.js, flite), with the time of each stage from the Server-Timing header. Voice turns are
 * compared with the speech recogniser alone on the same audio, in the same run.
 */
import { readFileSync } from 'node:fs'
import { synthesize } from '../test/fixtures/speech.js'
import { buildBenchApp } from './bench-app.js'

const TEXTS = [
  'I am go to market',
  'Yesterday I eat rice',
  'There is many people here',
  'I am agree with you',
  'He play cricket every day',
  'I have two informations',
  "I don't know nothing about computers",
  'I want to become a doctor because I like helping people.'
]
const SPOKEN = ['yesterday I eat rice with my family', 'he play cricket every day', 'I am agree with you', 'I like to watch movies on sunday']

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const timingsOf = (header: string | null) => Object.fromEntries((header ?? '').split(', ').map((p) => [p.split(';')[0], Number(p.split('dur=')[1])]))

async function main() {
  const { app, close } = await buildBenchApp('practice')
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  try {
    let t0 = performance.now()
    const init = await (await fetch(`${base}/api/v1/ai/init-models`, { method: 'POST' })).json()
    console.log(`init-models: ${Math.round(performance.now() - t0)} ms ${JSON.stringify(init)}\n`)

    const stages: Record<string, number[]> = {}
    const record = (kind: string, timing: Record<string, number>, wall: number) => {
      for (const [k, v] of Object.entries(timing)) (stages[`${kind} ${k}`] ??= []).push(v)
      ;(stages[`${kind} total (wall)`] ??= []).push(wall)
    }

    console.log('text chat (first time each sentence is seen):')
    for (const message of TEXTS) {
      t0 = performance.now()
      const res = await fetch(`${base}/api/v1/ai/text-chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: 'bench', message })
      })
      const wall = performance.now() - t0
      const body = (await res.json()) as any
      const timing = timingsOf(res.headers.get('server-timing'))
      record('text', timing, wall)
      console.log(
        `  > ${message}\n    correction: ${body.correction}\n    explanation: ${body.hinglish_explanation}\n    score: ${body.score}  reply: ${body.reply_text}\n    ms: ${JSON.stringify(timing)} wall ${Math.round(wall)}`
      )
    }

    console.log('\nvoice chat (flite voice slt, 16 kHz WAV):')
    const sttAlone: number[] = []
    const voiceWall: number[] = []
    for (const sentence of SPOKEN) {
      const wav = readFileSync(await synthesize(sentence, { voice: 'slt', padStart: 0.3, padEnd: 0.3 }))
      t0 = performance.now()
      await app.stt.transcribeFile(new Uint8Array(wav))
      sttAlone.push(performance.now() - t0)
      const form = new FormData()
      form.append('user_id', 'bench')
      form.append('audio_file', new Blob([new Uint8Array(wav)]), 'speech.wav')
      t0 = performance.now()
      const res = await fetch(`${base}/api/v1/ai/voice-chat`, { method: 'POST', body: form })
      const wall = performance.now() - t0
      voiceWall.push(wall)
      const body = (await res.json()) as any
      const timing = timingsOf(res.headers.get('server-timing'))
      record('voice', timing, wall)
      console.log(
        `  said: ${sentence}\n    heard: ${body.transcript}\n    correction: ${body.correction}\n    explanation: ${body.hinglish_explanation}\n    score: ${body.score}  reply: ${body.reply_text}\n    ms: ${JSON.stringify(timing)} wall ${Math.round(wall)}`
      )
    }

    console.log('\nmedians (ms):')
    for (const [k, v] of Object.entries(stages))
      console.log(`  ${k.padEnd(22)} ${String(Math.round(median(v))).padStart(6)}   (n=${v.length}, max ${Math.round(Math.max(...v))})`)
    console.log(
      `  recogniser alone       ${String(Math.round(median(sttAlone))).padStart(6)}   baseline: voice turn / recogniser alone = ${(median(voiceWall) / median(sttAlone)).toFixed(2)}x`
    )
  } finally {
    await close()
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  }
)
