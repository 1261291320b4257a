import { afterAll, describe, expect, it } from 'vitest'
import { createGrammarChecker } from '../../src/practice/grammar.js'
import { createTutor } from '../../src/practice/tutor.js'
import { spokenText } from '../../src/practice/service.js'
import { score } from '../../src/practice/score.js'

const grammar = createGrammarChecker()
const tutor = createTutor({ grammar, chat: null, llmTimeoutMs: 60_000 })
afterAll(() => grammar.close())

const offline = (text: string, spoken = false) => tutor.respond({ text, spoken, history: [] })

describe('offline corrections', () => {
  it.each([
    ['I am go to market', 'I am going to the market'],
    ['Yesterday I eat rice', 'Yesterday I ate rice'],
    ['There is many people here', 'There are many people here'],
    ['I am agree with you', 'I agree with you'],
    ['He play cricket every day', 'He plays cricket every day'],
    ['I have two informations', 'I have two pieces of information']
  ])('%s → %s', async (input, corrected) => {
    const turn = await offline(input)
    expect(turn.correction).toBe(`${input} → ${corrected}`)
    expect(turn.explanation).toMatch(/[a-z]/)
    expect(turn.score).toBeLessThan(100)
    expect(turn.reply.length).toBeGreaterThan(10)
  })

  it.each([
    ["I don't know nothing about it", "I don't know anything about it", 'double_negative'],
    ['I saw a elephant in the zoo', 'I saw an elephant in the zoo', 'article_an'],
    ['She is teacher', 'She is a teacher', 'article'],
    ['Yesterday he go to office', 'Yesterday he went to the office', 'past_tense'],
    ['They plays football', 'They play football', 'agreement'],
    ['I need many advices', 'I need a lot of advice', 'uncountable'],
    ['I like the the movie', 'I like the movie', 'repetition'],
    ['I goed to school', 'I went to school', 'verb_form'],
    ['He can speaks English', 'He can speak English', 'verb_form']
  ])('%s → %s (%s)', async (input, corrected, category) => {
    const turn = await offline(input)
    expect(turn.correction).toBe(`${input} → ${corrected}`)
    expect(turn.category).toBe(category)
  })

  it.each([
    'I want to learn English because it is useful for my job.',
    'My name is Raj and I live in Delhi.',
    'I am like my father.',
    'There is a cat on the roof.',
    'It is raining today.',
    'I had had enough.',
    'ok thank you yaar',
    'I planted a seed in the garden.'
  ])('leaves a correct sentence alone: %s', async (input) => {
    expect(await offline(input)).toMatchObject({ correction: null, explanation: null, score: 100 })
  })

  it('never corrects a word the recogniser was unsure of, and drops what only writing has', async () => {
    const heard = spokenText(
      [
        { word: 'i', start: 0, end: 0.2, confidence: 0.9 },
        { word: 'am', start: 0.2, end: 0.4, confidence: 0.9 },
        { word: 'go', start: 0.4, end: 0.6, confidence: 0.3 },
        { word: 'to', start: 0.6, end: 0.7, confidence: 0.9 },
        { word: 'market', start: 0.7, end: 1.2, confidence: 0.9 }
      ],
      'i am go to market'
    )
    expect(heard.text).toBe('I am go to market')
    const turn = await tutor.respond({ text: heard.text, spoken: true, unsure: heard.unsure, history: [] })
    // "go" was a guess: only the article, on words heard clearly, is corrected.
    expect(turn.correction).toBe('I am go to market → I am go to the market')
    expect((await offline('i like tea', true)).correction).toBeNull()
  })
})

describe('cache', () => {
  it('checks a sentence seen before only once when caching is on', async () => {
    let checks = 0
    const counting = { ...grammar, check: (...args: Parameters<typeof grammar.check>) => (checks++, grammar.check(...args)) }
    const kept = new Map<string, string>()
    const cache = { get: async (k: string) => kept.get(k) ?? null, set: async (k: string, v: string) => void kept.set(k, v) }
    const cached = createTutor({ grammar: counting, chat: null, llmTimeoutMs: 60_000, cache })
    const first = await cached.respond({ text: 'I am go to market', spoken: false, history: [] })
    const again = await cached.respond({ text: 'I am go to market', spoken: false, history: [] })
    expect(again.correction).toBe(first.correction)
    expect(checks).toBe(1)
    await cached.respond({ text: 'I am go to market', spoken: true, history: [] })
    expect(checks).toBe(2)
  })
})

describe('score', () => {
  it('costs more for graver and more mistakes, less in a long sentence', () => {
    const major = { category: 'past_tense', start: 0, end: 1, replacement: '', severity: 3, source: 'rules' } as const
    const minor = { ...major, category: 'article', severity: 1 } as const
    expect(score('I go there', [])).toBe(100)
    expect(score('Yesterday I eat rice', [major])).toBe(75)
    expect(score('Yesterday I eat rice', [major, minor])).toBe(70)
    expect(score('Yesterday I eat rice', [minor])).toBe(95)
    const long = 'Yesterday I eat rice with my family at home and then we all went out for a long walk near the river'
    expect(score(long, [major])).toBeGreaterThan(75)
  })
})
