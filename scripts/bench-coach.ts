/**
 * npm run bench:coach — whole speaking-coach sessions on this machine, offline: flite voices answer every
 * examiner question of a full test, sphinx recognises them, then the session ends and we time each phase
 * the learner waits for: the fast summary, the deep analysis (a queued job on a worker thread) and the PDF
 * report. Ratios are against baselines measured in the same run: the answers' audio length and the deep
 * analysis. The first session pays for starting the worker thread and harper.js; later ones are warm.
 * Usage: npm run bench:coach [-- <sessions, default 2>] [--analysis-out <file>]  (writes the last session's
 * analysis as the API returns it, to read a whole result)
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { wavTo16k } from '../src/coach/pronunciation/session.js'
import { synthesize, type Voice } from '../test/fixtures/speech.js'
import { buildBenchApp } from './bench-app.js'

/** Answers with the mistakes learners make, Uzbek speakers' among them; cycled over the test's questions. */
const ANSWERS = [
  'I live in a small flat in the centre of the city. My sister is teacher and she go to work by bus every day.',
  'In my free time I like playing football with my friends because it helps me relax after a long week at work.',
  'I have two brother and we live in Tashkent since two thousand ten. My city is more bigger than my village.',
  'Every morning I go school by bus and in the evening I read books or I watch films with my family.',
  'I would like to describe a journey to Samarkand which I made last summer with my family. We travelled by train and the journey took about three hours. ' +
    'The city was beautiful and there is many old buildings. I remember this journey because my father showed me the place where he grew up.',
  'I think people enjoy travelling because they want to discover new cultures and taste different food.',
  'However tourism can also damage historical places, so governments should protect them and limit the number of visitors.',
  'It depends from the country. In my country young people travel more than their parents did because flights are cheaper now.'
]
const VOICES: Voice[] = ['rms', 'slt', 'awb']

const secondsOfWav = (path: string) => (readFileSync(path).length - 44) / (16000 * 2)
const ms = (x: number) => `${Math.round(x)} ms`
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(3)}x` : 'n/a')
const sleep = (t: number) => new Promise((r) => setTimeout(r, t))

async function main() {
  const sessions = Number(process.argv[2]?.startsWith('--') ? 2 : (process.argv[2] ?? 2))
  const outAt = process.argv.indexOf('--analysis-out')
  const analysisOut = outAt > 0 ? process.argv[outAt + 1] : undefined
  const { app, config, close } = await buildBenchApp('coach', { RATE_LIMIT_PER_DAY: '10000' })
  await app.ready()
  try {
    const credentials = { username: `bench${Date.now()}`, password: 'a long bench password', email: `bench${Date.now()}@example.com` }
    await app.inject({ method: 'POST', url: '/api/auth/register', payload: credentials })
    const login = (await app.inject({ method: 'POST', url: '/api/auth/login', payload: credentials })).json().data
    const userId: string = login.user_id
    const headers = { authorization: `Bearer ${login.token}` }
    await app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers, payload: { first_language: 'uz' } })
    console.log(
      `llm: ${app.chat.provider} (${app.chat.available ? 'writes feedback' : 'none: bands and errors only'}), database: ${config.DATABASE_URL ? 'postgres' : 'pglite'}\n`
    )

    for (let n = 1; n <= sessions; n++) {
      const id = (await app.inject({ method: 'POST', url: '/api/v1/sessions', headers, payload: { part: 'full', topic: 'travel' } })).json().data.id
      let question = await app.coach.sessions.start(userId, id)
      let audioSeconds = 0
      let recognitionMs = 0
      let answers = 0
      while (question) {
        const wav = await synthesize(ANSWERS[answers % ANSWERS.length], { voice: VOICES[answers % VOICES.length], rate: 0.9 })
        audioSeconds += secondsOfWav(wav)
        const t0 = performance.now()
        const { transcript } = await app.stt.transcribeFile(readFileSync(wav))
        recognitionMs += performance.now() - t0
        // The recording goes with the answer, as the live session sends it: the deep analysis scores its pronunciation.
        const audio = { pcm: wavTo16k(readFileSync(wav)), sampleRate: 16000 }
        question = (await app.coach.sessions.answer(userId, id, { text: transcript.text, words: transcript.words, audio })).next
        answers++
      }

      let t0 = performance.now()
      const summary = await app.coach.sessions.end(userId, id)
      const summaryMs = performance.now() - t0
      t0 = performance.now()
      let analysis
      for (;;) {
        analysis = (await app.inject({ url: `/api/v1/analysis/sessions/${id}`, headers })).json().data
        if (['completed', 'failed'].includes(analysis.phases.analysis.status)) break
        await sleep(20)
      }
      const deepMs = performance.now() - t0
      if (analysis.phases.analysis.status !== 'completed') throw new Error(`analysis failed: ${JSON.stringify(analysis.phases.analysis)}`)
      if (analysisOut) writeFileSync(analysisOut, JSON.stringify(analysis, null, 2))

      t0 = performance.now()
      const link = (await app.inject({ method: 'POST', url: `/api/v1/analysis/sessions/${id}/pdf`, headers })).json().data
      let pdfBytes = 0
      for (;;) {
        const pdf = await app.inject({ url: new URL(link.url).pathname, headers })
        if (pdf.statusCode === 200) {
          pdfBytes = pdf.rawPayload.length
          break
        }
        if (pdf.statusCode !== 409) throw new Error(`report failed: ${pdf.statusCode} ${pdf.body}`)
        await sleep(50)
      }
      const pdfMs = performance.now() - t0

      const a = analysis.analysis
      const inside = a.timings as Record<string, number>
      console.log(`session ${n}${n === 1 ? ' (cold: worker thread and harper.js start)' : ''}: ${answers} answers, ${audioSeconds.toFixed(1)} s of speech`)
      console.log(`  recognition (baseline)   ${ms(recognitionMs).padStart(9)}   ${ratio(recognitionMs / 1000, audioSeconds)} of the audio length`)
      console.log(
        `  fast summary             ${ms(summaryMs).padStart(9)}   computed in ${summary.computed_ms} ms; ${ratio(summaryMs, deepMs)} of the deep analysis`
      )
      console.log(
        `  deep analysis (wall)     ${ms(deepMs).padStart(9)}   ${ratio(deepMs / 1000, audioSeconds)} of the audio length; ` +
          `inside: queue wait ${ms(inside.queue_wait_s * 1000)}, features ${inside.features_ms} ms, errors ${inside.errors_ms} ms, ` +
          `pronunciation ${inside.pronunciation_ms} ms (${a.pronunciation.status}, ${a.pronunciation.scores ? `overall ${a.pronunciation.scores.overall}` : 'no scores'}), bands ${inside.bands_ms} ms` +
          (inside.llm_s !== undefined ? `, llm ${ms(inside.llm_s * 1000)}` : '')
      )
      console.log(`  pdf report               ${ms(pdfMs).padStart(9)}   ${ratio(pdfMs, deepMs)} of the deep analysis; ${Math.round(pdfBytes / 1024)} KB`)
      console.log(
        `  result: overall ${a.overall}, ${a.criteria.map((c: { criterion: string; band: number }) => `${c.criterion} ${c.band}`).join(', ')}; ` +
          `${a.errors.length} errors (${a.errors.filter((e: { l1?: string }) => e.l1 === 'uz').length} typical of Uzbek speakers)\n`
      )
    }
    console.log('Timings on a shared, loaded machine are indicative only.')
  } finally {
    await close()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  }
)
