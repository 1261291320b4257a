import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ANCHORS, interpolate, overallBand, scoreBands } from '../../src/coach/bands.js'
import { newCard, plan, review } from '../../src/coach/drills.js'
import { extractFeatures, mtld } from '../../src/coach/features.js'
import { analyseErrors, ruleErrors } from '../../src/coach/learner-errors.js'
import { maskPii } from '../../src/coach/pii.js'
import { PROMPT_CHECKSUMS, promptChecksum } from '../../src/coach/prompts.js'
import { scriptFor } from '../../src/coach/questions.js'
import { streak } from '../../src/coach/profile.js'
import type { CoachWord, LearnerAnswer } from '../../src/coach/types.js'

/** An answer spoken at `wps` words a second with `gap` s between words; `unsure` words get confidence 0.3. */
function answer(text: string, opts: { seq?: number; wps?: number; gap?: number; unsure?: string[] } = {}): LearnerAnswer {
  const step = 1 / (opts.wps ?? 2.5)
  const words: CoachWord[] = text.split(' ').map((word, i) => ({
    word,
    start: i * (step + (opts.gap ?? 0)),
    end: i * (step + (opts.gap ?? 0)) + step * 0.9,
    confidence: opts.unsure?.includes(word) ? 0.3 : 0.92
  }))
  return { seq: opts.seq ?? 1, part: 1, text, words }
}

describe('band mapping', () => {
  it('rounds the overall band to the nearest half, .25 and .75 upwards', () => {
    expect(overallBand([6, 6.5, 6, 6.5])).toBe(6.5)
    expect(overallBand([6, 6, 6, 7])).toBe(6.5)
    expect(overallBand([7, 7, 7, 6])).toBe(7)
    expect(overallBand([5, 5, 5.5, 5])).toBe(5)
  })

  it('interpolates features between anchors and clamps outside them', () => {
    expect(interpolate(ANCHORS.wordsPerMinute, 120)).toBe(6.5)
    expect(interpolate(ANCHORS.wordsPerMinute, 400)).toBe(9)
    expect(interpolate(ANCHORS.pauseRatio, 0.2)).toBe(7)
    expect(interpolate(ANCHORS.pauseRatio, 0.9)).toBe(3)
  })

  it('rates slow, hesitant speech below fluent speech of the same words', () => {
    const text =
      'I live in a quiet neighbourhood near the river and although the flat is small it has a wonderful view which I really appreciate because I can watch the sunset every evening'
    const fluent = [answer(text, { wps: 2.6 })]
    const halting = [answer(text, { wps: 1.6, gap: 1.2 })]
    const band = (a: LearnerAnswer[]) => scoreBands(a, extractFeatures(a), []).criteria[0].band
    expect(band(fluent)).toBeGreaterThan(band(halting) + 1)
    expect(band(halting)).toBeLessThanOrEqual(5)
  })

  it('caps every band at 3 when there is too little speech, and says why', () => {
    const a = [answer('yes I like it')]
    const { criteria } = scoreBands(a, extractFeatures(a), [])
    for (const c of criteria) expect(c.band).toBeLessThanOrEqual(3)
    expect(criteria[0].limitations).toMatch(/too little speech/)
  })

  it('measures lexical diversity: repetitive speech has a lower MTLD than varied speech', () => {
    const repetitive =
      'i like the food and i like the people and i like the city and i like the food and the people are nice and the city is nice and the food is nice'.split(
        ' '
      )
    const varied = (
      'our local market sells fragrant spices and ripe apricots while bakers nearby offer warm bread every morning so visitors usually ' +
      'wander between colourful stalls where craftsmen display handmade pottery embroidered scarves and carved wooden boxes from distant mountain villages'
    ).split(' ')
    expect(mtld(varied)).toBeGreaterThan(mtld(repetitive) * 2)
  })
})

describe('error analysis', () => {
  it('finds typical learner errors with corrections, and names the L1 pattern', () => {
    const errors = ruleErrors([answer('my mother is a doctor and he works in a hospital and i am agree that there is many problems')])
    expect(errors.map((e) => [e.type, e.text, e.correction])).toEqual(
      expect.arrayContaining([
        ['pronoun', 'he', 'she'],
        ['verb_form', 'i am agree', 'I agree'],
        ['agreement', 'there is many', 'there are many']
      ])
    )
    expect(errors.find((e) => e.type === 'pronoun')).toMatchObject({ source: 'rule', l1: 'uz', start: expect.any(Number), end: expect.any(Number) })
  })

  it('does not report words the recogniser was unsure of as the learner error', () => {
    const sure = ruleErrors([answer('yesterday she go to the market')])
    const unsure = ruleErrors([answer('yesterday she go to the market', { unsure: ['go'] })])
    expect(sure.map((e) => e.type)).toContain('agreement')
    expect(unsure).toEqual([])
  })

  it('adds the grammar checker findings the rules miss, once', async () => {
    const text = "she go out but he don't like it"
    const at = (phrase: string, replacement: string) => ({
      start: text.indexOf(phrase),
      end: text.indexOf(phrase) + phrase.length,
      kind: 'Agreement',
      message: 'Agreement',
      replacement
    })
    const checker = { check: async () => [at('go', 'goes'), at("don't", "doesn't")] }
    const errors = await analyseErrors([answer(text)], checker)
    expect(errors.map((e) => [e.type, e.text, e.correction, e.source])).toEqual([
      ['agreement', 'she go', 'she goes', 'rule'],
      ['agreement', "don't", "doesn't", 'grammar']
    ])
  })
})

describe('drills on FSRS', () => {
  it('moves a drill further out the better it went', () => {
    const now = new Date('2026-11-30T10:00:00Z')
    const card = newCard(now)
    const again = review(card, 'again', now).card.due.getTime()
    const good = review(card, 'good', now).card.due.getTime()
    const easy = review(card, 'easy', now).card.due.getTime()
    expect(again).toBeLessThan(good)
    expect(good).toBeLessThan(easy)
  })

  it('spreads new drills over the week, two a day, and keeps reviews on their day', () => {
    const now = new Date('2026-11-30T10:00:00Z')
    const fresh = Array.from({ length: 5 }, (_, i) => ({ id: `n${i}`, dueAt: now, isNew: true }))
    const later = { id: 'r', dueAt: new Date('2026-12-03T08:00:00Z'), isNew: false }
    const days = plan([...fresh, later], now, 7)
    expect(days.map((d) => d.tasks.map((t) => t.id))).toEqual([['n0', 'n1'], ['n2', 'n3'], ['n4'], ['r'], [], [], []])
    expect(days[0].date).toBe('2026-11-30')
  })

  it('counts a streak of consecutive practice days up to today or yesterday', () => {
    const now = new Date('2026-11-30T10:00:00Z')
    const d = (s: string) => new Date(`${s}T12:00:00Z`)
    expect(streak([d('2026-11-30'), d('2026-11-29'), d('2026-11-28'), d('2026-11-25')], now)).toBe(3)
    expect(streak([d('2026-11-29')], now)).toBe(1)
    expect(streak([d('2026-11-27')], now)).toBe(0)
  })
})

describe('question bank', () => {
  it('runs a full test as Part 1 questions, the cue card, then Part 3 on its theme', () => {
    const script = scriptFor('full', 'travel', 7)
    expect(script.map((q) => q.part)).toEqual([1, 1, 1, 1, 2, 3, 3, 3])
    expect(script[4]).toMatchObject({ topic: 'travel', cues: expect.any(Array) })
    expect(script.slice(5).every((q) => q.topic === 'travel')).toBe(true)
  })
})

describe('personal data', () => {
  it('masks e-mails, phone numbers, card numbers and spoken digit runs', () => {
    const masked = maskPii('mail me at aziza.k@example.uz or call +998 90 123 45 67, card 4111 1111 1111 1111, my number is nine nine eight nine zero one two')
    expect(masked).toBe('mail me at [email] or call [phone number], card [card number], my number is [number]')
    expect(maskPii('I was born in 1998 and have 2 brothers')).toBe('I was born in 1998 and have 2 brothers')
  })
})

describe('prompt versions', () => {
  it('changes no published prompt without a new version', () => {
    const files = readdirSync(new URL('../../prompts/', import.meta.url)).filter((f) => f.startsWith('coach-'))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const version = file.replace(/\.md$/, '')
      const text = readFileSync(new URL(`../../prompts/${file}`, import.meta.url), 'utf8')
      expect(PROMPT_CHECKSUMS[version], `${file} has no pinned checksum in src/coach/prompts.ts`).toBeDefined()
      expect(promptChecksum(text), `${file} changed: copy it to the next version (.v${Number(version.split('.v')[1]) + 1}.md) instead of editing it`).toBe(
        PROMPT_CHECKSUMS[version]
      )
    }
  })
})
