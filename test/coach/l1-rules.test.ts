import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyseErrors, ruleErrors } from '../../src/coach/learner-errors.js'
import type { CoachWord, LearnerAnswer } from '../../src/coach/types.js'
import { buildTestApp, signUp, type TestApp } from '../helpers/app.js'

/** An answer at 2.5 words a second; `unsure` words get confidence 0.3, the rest 0.92. */
function answer(text: string, opts: { seq?: number; unsure?: string[] } = {}): LearnerAnswer {
  const words: CoachWord[] = text
    .split(' ')
    .map((word, i) => ({ word, start: i * 0.4, end: i * 0.4 + 0.36, confidence: opts.unsure?.includes(word) ? 0.3 : 0.92 }))
  return { seq: opts.seq ?? 1, part: 1, text, words }
}

const found = (text: string, l1: string | null = 'uz') => ruleErrors([answer(text)], l1).map((e) => [e.type, e.text, e.correction])

describe('patterns typical of Uzbek speakers', () => {
  it('finds each pattern with the correction a teacher would give, named as Uzbek', () => {
    expect(found('i have car and my brother is teacher')).toEqual([
      ['article', 'have car', 'have a car'],
      ['article', 'is teacher', 'is a teacher']
    ])
    expect(found('i english study every day')).toEqual([['word_order', 'i english study', 'I study English']])
    expect(found('she her sister visits often')).toEqual([['word_order', 'she her sister visits', 'she visits her sister']])
    expect(found('every morning i go school by bus')).toEqual([['preposition', 'go school', 'go to school']])
    expect(found('it depends from the weather')).toEqual([['preposition', 'depends from', 'depends on']])
    expect(found('at the morning i went samarkand')).toEqual([
      ['preposition', 'at the morning', 'in the morning'],
      ['preposition', 'went samarkand', 'went to Samarkand']
    ])
    expect(found('i live in tashkent since two thousand ten')).toEqual([['tense', 'i live in tashkent since', 'I have lived in tashkent since']])
    expect(found('i know him for ten years')).toEqual([['tense', 'i know him for ten years', 'I have known him for ten years']])
    expect(found('i have two book and three child')).toEqual([
      ['plural', 'two book', 'two books'],
      ['plural', 'three child', 'three children']
    ])
    for (const e of ruleErrors([answer('i have car and two book')], 'uz')) expect(e).toMatchObject({ source: 'rule', l1: 'uz' })
  })

  it('leaves correct English alone', () => {
    const correct = [
      'i have a car and my brother is a teacher',
      'i study english for two hours every day',
      'i have lived in tashkent since two thousand ten',
      'we went on a two day trip and my son is two years old',
      'it depends on the weather and i go home at night',
      'on monday i went to the market with two friends',
      'she is a school teacher'
    ]
    for (const text of correct) expect(found(text), text).toEqual([])
  })

  it('applies only to learners whose first language is Uzbek', () => {
    const text = 'i have car and i go school and i live here since two thousand ten'
    expect(found(text, 'uz')).toHaveLength(3)
    expect(found(text, 'UZ')).toHaveLength(3)
    expect(found(text, null)).toEqual([])
    expect(found(text, 'de')).toEqual([])
  })

  it('never reports words the recogniser was unsure of', () => {
    expect(ruleErrors([answer('i have car', { unsure: ['car'] })], 'uz')).toEqual([])
    expect(ruleErrors([answer('i have two book', { unsure: ['two'] })], 'uz')).toEqual([])
  })

  it('reports a mistake the generic rules or the grammar checker already found once', async () => {
    // "depend of" is a generic rule; "she go" is found by both a rule and the checker.
    const text = 'she go to work and it depend of weather'
    const checker = {
      check: async () => [{ start: text.indexOf('go'), end: text.indexOf('go') + 2, kind: 'Agreement', message: 'Agreement', replacement: 'goes' }]
    }
    const errors = await analyseErrors([answer(text)], checker, 'uz')
    expect(errors.map((e) => [e.type, e.text, e.source])).toEqual([
      ['agreement', 'she go', 'rule'],
      ['preposition', 'depend of', 'rule']
    ])
    expect(ruleErrors([answer('my mother is a doctor and he works')], 'uz').map((e) => e.type)).toEqual(['pronoun'])
  })
})

describe('Uzbek patterns in a learner session', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  }, 120_000)
  afterAll(async () => t?.close())

  const ANSWERS = ['my brother is engineer and he works in tashkent since two thousand fifteen', 'i have two sister and every day i go school by bus']

  /** A session of the given answers, as recognised, ended; returns the summary and the completed analysis. */
  async function practise(firstLanguage: string | null) {
    const user = await signUp(t.app)
    const patch = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: user.headers, payload: { first_language: firstLanguage } })
    expect(patch.statusCode).toBe(200)
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/sessions', headers: user.headers, payload: { part: 1 } })
    const id = created.json().data.id
    await t.app.coach.sessions.start(user.userId, id)
    for (const text of ANSWERS) await t.app.coach.sessions.answer(user.userId, id, { text, words: answer(text).words })
    // session.end over the WebSocket calls this; the summary and analysis are then read over REST.
    await t.app.coach.sessions.end(user.userId, id)
    for (;;) {
      const data = (await t.app.inject({ url: `/api/v1/analysis/sessions/${id}`, headers: user.headers })).json().data
      if (data.phases.analysis.status === 'completed' || data.phases.analysis.status === 'failed') return { summary: data.summary, analysis: data.analysis }
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  it('shows them in the summary and the analysis of an Uzbek speaker, and not for another learner', async () => {
    const uz = await practise('uz')
    const uzErrors = uz.analysis.errors.filter((e: { l1?: string }) => e.l1 === 'uz')
    expect(uzErrors.map((e: { type: string; text: string; correction: string }) => [e.type, e.text, e.correction])).toEqual(
      expect.arrayContaining([
        ['article', 'is engineer', 'is an engineer'],
        ['tense', 'he works in tashkent since', 'he has worked in tashkent since'],
        ['plural', 'two sister', 'two sisters'],
        ['preposition', 'go school', 'go to school']
      ])
    )
    expect(uz.summary.top_error_types.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['article']))

    const other = await practise(null)
    expect(other.analysis.errors.filter((e: { type: string }) => ['article', 'plural', 'tense', 'preposition'].includes(e.type))).toEqual([])
    expect(other.analysis.errors.some((e: { l1?: string }) => e.l1)).toBe(false)
  }, 120_000)
})
