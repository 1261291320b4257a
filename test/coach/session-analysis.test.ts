import { execFile } from 'node:child_process'
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmptyCard, fsrs, Rating } from 'ts-fsrs'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'
import { synthesize } from '../fixtures/speech.js'
import { wavTo16k } from '../../src/coach/pronunciation/session.js'

const run = promisify(execFile)

/** Answers a learner might give, with typical errors; the two the recogniser hears surely are "she go" and "more bigger". */
const ANSWERS = [
  'I live in a small flat in the centre of the city. My sister is a teacher and she go to work by bus every day.',
  'In my free time I like playing football with my friends because it helps me relax after a long week at work. My city is more bigger than my village.',
  'I would like to describe a journey to Samarkand which I made last summer with my family. We travelled by train and the journey took about three hours. ' +
    'The city was beautiful and there is many old buildings. I remember this journey because my father showed me the place where he grew up.',
  'I think people enjoy travelling because they want to discover new cultures and taste different food. However tourism can also damage historical places, so governments should protect them.'
]

describe('a speaking session from generated speech to analysis, report and drills', () => {
  let t: TestApp
  let user: Awaited<ReturnType<typeof signUp>>
  let sessionId: string
  const timings: Record<string, number> = {}

  beforeAll(async () => {
    t = await buildTestApp()
    user = await signUp(t.app)
  }, 120_000)
  afterAll(async () => {
    console.log('coach phase timings (ms)', timings)
    await t?.close()
  })

  it('creates a session owned by the caller and hands out its WebSocket address', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: user.headers, payload: { part: 'full', topic: 'travel' } })
    expect(res.statusCode).toBe(201)
    const { data } = res.json()
    expect(data).toEqual({ id: expect.any(String), status: 'created', ws_url: `/ws/${data.id}` })
    sessionId = data.id
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { part: 1 } })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json()).toMatchObject({ success: false, code: 'unauthorized' })
  })

  it('takes recognised answers to the examiner questions and ends with a fast summary', async () => {
    const first = await t.app.coach.sessions.start(user.userId, sessionId)
    expect(first?.part).toBe(1)
    let t0 = performance.now()
    for (const [i, text] of ANSWERS.entries()) {
      const wav = await synthesize(text, { voice: i === 3 ? 'slt' : 'rms', rate: 0.85 })
      const { transcript } = await t.app.stt.transcribeFile(await readFile(wav))
      expect(transcript.words.length).toBeGreaterThan(10)
      // The recording goes with the answer, as the live session sends it, for pronunciation.
      const audio = { pcm: wavTo16k(await readFile(wav)), sampleRate: 16000 }
      const { next } = await t.app.coach.sessions.answer(user.userId, sessionId, { text: transcript.text, words: transcript.words, audio })
      expect(next).not.toBeNull()
    }
    timings.recognition_ms = Math.round(performance.now() - t0)
    t0 = performance.now()
    const summary = await t.app.coach.sessions.end(user.userId, sessionId)
    timings.summary_ms = Math.round(performance.now() - t0)
    expect(summary.words_spoken).toBeGreaterThan(80)
    expect(summary.words_per_minute).toBeGreaterThan(60)
    expect(summary.provisional_band).toBeGreaterThanOrEqual(1)

    const session = (await t.app.inject({ url: `/api/v1/sessions/${sessionId}`, headers: user.headers })).json().data
    expect(session.status).toMatch(/analysing|analysed/)
    expect(session.turns.filter((x: { role: string }) => x.role === 'learner')).toHaveLength(4)
    expect(session.turns[0]).toMatchObject({ role: 'examiner', part: 1 })
    expect(session.turns[1].words[0]).toEqual({ word: expect.any(String), start: expect.any(Number), end: expect.any(Number), confidence: expect.any(Number) })
  }, 180_000)

  it('runs the deep analysis as a job: four bands with evidence, overall, errors, pronunciation per word and phoneme', async () => {
    const t0 = performance.now()
    let data
    for (;;) {
      data = (await t.app.inject({ url: `/api/v1/analysis/sessions/${sessionId}`, headers: user.headers })).json().data
      if (data.phases.analysis.status === 'completed' || data.phases.analysis.status === 'failed') break
      await new Promise((r) => setTimeout(r, 200))
    }
    timings.deep_analysis_wait_ms = Math.round(performance.now() - t0)
    Object.assign(timings, data.analysis?.timings)
    expect(data.phases.analysis).toMatchObject({ status: 'completed' })
    expect(data.session_status).toBe('analysed')
    const a = data.analysis
    console.log(
      JSON.stringify(
        {
          summary: data.summary,
          overall: a.overall,
          criteria: a.criteria.map((c: { criterion: string; band: number; evidence: unknown; measures: unknown }) => [
            c.criterion,
            c.band,
            c.measures,
            c.evidence
          ]),
          errors: a.errors
        },
        null,
        1
      )
    )
    expect(a.criteria.map((c: { criterion: string }) => c.criterion)).toEqual([
      'fluency_coherence',
      'lexical_resource',
      'grammatical_range_accuracy',
      'pronunciation'
    ])
    for (const c of a.criteria) {
      expect(c.band * 2).toBe(Math.round(c.band * 2))
      expect(c.band).toBeGreaterThanOrEqual(3)
      expect(c.descriptor.length).toBeGreaterThan(20)
      expect(c.evidence.length).toBeGreaterThan(0)
    }
    const mean = a.criteria.reduce((s: number, c: { band: number }) => s + c.band, 0) / 4
    expect(a.overall).toBe(Math.round(mean * 2) / 2)
    // "She go" reaches the analysis as an agreement error with its correction.
    const types = a.errors.map((e: { type: string }) => e.type)
    expect(types).toEqual(expect.arrayContaining(['agreement', 'comparative']))
    expect(a.errors.find((e: { type: string }) => e.type === 'agreement')).toMatchObject({ text: 'she go', correction: 'she goes', seq: 2 })
    for (const e of a.errors) expect(e.confidence).toBeGreaterThanOrEqual(0.5)
    // Every answer's recording is assessed against what was recognised: Azure-shaped scores, each word with
    // its accuracy, error type and phonemes.
    const p = a.pronunciation
    expect(p.status).toBe('assessed')
    expect(p.limitations).toMatch(/recogniser heard/)
    expect(p.answers.map((x: { seq: number; status: string }) => x.status)).toEqual(['assessed', 'assessed', 'assessed', 'assessed'])
    for (const key of ['accuracy', 'fluency', 'completeness', 'prosody', 'overall']) {
      expect(p.scores[key]).toBeGreaterThanOrEqual(0)
      expect(p.scores[key]).toBeLessThanOrEqual(100)
    }
    const first = p.answers[0]
    expect(first.words.length).toBeGreaterThan(10)
    const sister = first.words.find((w: { word: string }) => w.word === 'sister')
    expect(sister).toMatchObject({ accuracy: expect.any(Number), error_type: expect.any(String) })
    expect(sister.phonemes.map((ph: { phoneme: string }) => ph.phoneme)).toEqual(['S', 'IH', 'S', 'T', 'ER'])
    for (const ph of sister.phonemes) expect(ph.accuracy).toBeGreaterThanOrEqual(0)
    // Synthetic speech read as recognised: most words pass.
    const words = p.answers.flatMap((x: { words: { error_type: string }[] }) => x.words)
    expect(words.filter((w: { error_type: string }) => w.error_type === 'Mispronunciation').length).toBeLessThan(words.length * 0.25)
    console.log('pronunciation', JSON.stringify({ scores: p.scores, flagged: p.flagged.map((w: { word: string; accuracy: number }) => [w.word, w.accuracy]) }))
    // The band takes GOP accuracy into account, at most half a band from the recogniser-confidence measures.
    const pron = a.criteria[3]
    expect(pron.measures.map((m: { feature: string }) => m.feature)).toContain('gopAccuracy')
    const confidenceOnly = pron.measures.filter((m: { feature: string }) => m.feature !== 'gopAccuracy')
    const confidenceBand = Math.round((confidenceOnly.reduce((s: number, m: { band: number }) => s + m.band, 0) / confidenceOnly.length) * 2) / 2
    expect(Math.abs(pron.band - confidenceBand)).toBeLessThanOrEqual(0.5)
    expect(pron.limitations).toMatch(/not calibrated on rated learners/)
    // The recordings are deleted once the analysis is done with them (right after its result is stored).
    const kept = async () =>
      (await Promise.all(p.answers.map((x: { seq: number }) => t.app.storage.exists(`coach-audio/${sessionId}/${x.seq}.wav`)))).filter(Boolean).length
    for (let i = 0; i < 50 && (await kept()) > 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect(await kept()).toBe(0)
    expect(a.prompt).toEqual({ version: 'coach-feedback.v1', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) })
  }, 300_000)

  it('generates a PDF report whose text shows the bands', async () => {
    const t0 = performance.now()
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/analysis/sessions/${sessionId}/pdf`, headers: user.headers })
    timings.pdf_ms = Math.round(performance.now() - t0)
    expect(res.statusCode).toBe(201)
    const link = res.json().data
    expect(new Date(link.expires_at).getTime()).toBeGreaterThan(Date.now())
    const pdf = await t.app.inject({ url: new URL(link.url).pathname, headers: user.headers })
    expect(pdf.statusCode).toBe(200)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    const dir = await mkdtemp(join(tmpdir(), 'coach-pdf-'))
    try {
      await writeFile(join(dir, 'r.pdf'), pdf.rawPayload)
      const { stdout } = await run('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'])
      const analysis = (await t.app.inject({ url: `/api/v1/analysis/sessions/${sessionId}`, headers: user.headers })).json().data.analysis
      expect(stdout).toContain(`Overall band ${analysis.overall.toFixed(1)}`)
      for (const c of analysis.criteria) expect(stdout).toContain(`${c.name}: band ${c.band.toFixed(1)}`)
      expect(stdout).toContain('Your drills')
      // The pronunciation scores and the flagged words are in the report.
      expect(stdout).toContain(`Pronunciation ${Math.round(analysis.pronunciation.scores.overall)} / 100`)
      for (const w of analysis.pronunciation.flagged.slice(0, 3)) expect(stdout).toContain(`"${w.word}" ${Math.round(w.accuracy)}`)
      // The operator sees how long the report took, beside the analysis phases.
      const metrics = (await t.app.inject({ url: '/metrics' })).body
      expect(metrics).toMatch(/^voxlens_coach_analysis_phase_seconds_count\{phase="report"\} 1$/m)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('schedules drills for the errors found and reschedules a completed one as FSRS says', async () => {
    const tasks = (await t.app.inject({ url: '/api/v1/training/tasks?days=7', headers: user.headers })).json().data
    expect(tasks.due.length).toBeGreaterThan(0)
    expect(tasks.due.map((d: { error_type: string }) => d.error_type)).toContain('agreement')
    expect(tasks.plan).toHaveLength(7)
    const drill = tasks.due[0]
    expect(drill.schedule).toMatchObject({ state: 'new', reps: 0 })

    const done = (
      await t.app.inject({ method: 'POST', url: `/api/v1/training/tasks/${drill.id}/complete`, headers: user.headers, payload: { rating: 'good' } })
    ).json()
    const reviewedAt = new Date(done.data.schedule.last_review)
    const expected = fsrs({ enable_fuzz: false }).next(createEmptyCard(reviewedAt), reviewedAt, Rating.Good).card.due
    expect(done.data.due_at).toBe(expected.toISOString())
    expect(new Date(done.data.due_at).getTime()).toBeGreaterThan(Date.now())
    expect(done.data.schedule).toMatchObject({ state: 'learning', reps: 1 })

    const again = (
      await t.app.inject({ method: 'POST', url: `/api/v1/training/tasks/${drill.id}/complete`, headers: user.headers, payload: { quality: 5 } })
    ).json()
    expect(again.data.schedule.reps).toBe(2)
    expect(new Date(again.data.due_at).getTime()).toBeGreaterThan(new Date(done.data.due_at).getTime())
    const reviews = await t.app.db.prisma.coachDrillReview.findMany({ where: { drillId: drill.id } })
    expect(reviews).toHaveLength(2)

    const now = (await t.app.inject({ url: '/api/v1/training/tasks', headers: user.headers })).json().data
    expect(now.due.map((d: { id: string }) => d.id)).not.toContain(drill.id)
    expect(now.plan).toBeUndefined()
  })

  it('shows progress on the profile and keeps every resource from other users', async () => {
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: user.headers,
      payload: { target_band: 7, first_language: 'uz', display_name: 'Aziza' }
    })
    expect(patch.statusCode).toBe(200)
    const me = patch.json().data
    expect(me).toMatchObject({ id: user.userId, target_band: 7, first_language: 'uz', display_name: 'Aziza', sessions_count: 1, streak_days: 1 })
    expect(me.latest_overall_band).toBeGreaterThan(0)
    expect(me.progress).toHaveLength(1)

    const other = await signUp(t.app)
    const drill = (await t.app.db.prisma.coachDrill.findFirstOrThrow({ where: { userId: user.userId } })).id
    const report = (await t.app.db.prisma.coachReport.findFirstOrThrow({ where: { userId: user.userId } })).id
    for (const [method, url, payload] of [
      ['GET', `/api/v1/sessions/${sessionId}`],
      ['GET', `/api/v1/analysis/sessions/${sessionId}`],
      ['POST', `/api/v1/analysis/sessions/${sessionId}/pdf`],
      ['GET', `/api/v1/analysis/reports/${report}`],
      ['POST', `/api/v1/training/tasks/${drill}/complete`, { rating: 'easy' }]
    ] as const) {
      const res = await t.app.inject({ method, url, headers: other.headers, payload })
      expect(res.statusCode, url).toBe(404)
      expect(res.json()).toMatchObject({ success: false, code: expect.stringMatching(/_not_found$/) })
    }
    expect((await t.app.inject({ url: '/api/v1/sessions', headers: other.headers })).json()).toEqual({ success: true, data: [], total: 0 })
    const actions = (await t.app.db.prisma.auditLog.findMany({ where: { userId: user.userId } })).map((r) => r.action)
    expect(actions).toEqual(
      expect.arrayContaining(['coach.session.create', 'coach.session.end', 'coach.analysis', 'coach.report', 'coach.task.complete', 'coach.profile.update'])
    )
  })
})
