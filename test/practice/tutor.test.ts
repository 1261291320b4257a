import { afterAll, describe, expect, it } from 'vitest'
import { createGrammarChecker } from '../../src/practice/grammar.js'
import { createTutor } from '../../src/practice/tutor.js'

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

  it('probe', async () => {
    for (const s of [
      'I want to learn English because it is useful for my job.',
      'My name is Raj and I live in Delhi.',
      "I don't know nothing about it",
      'I saw a elephant in zoo',
      'She is teacher',
      'Yesterday he go to office',
      'I like the the movie',
      'They plays football',
      'I am like my father',
      'There is a cat',
      'Last week we was in Goa',
      'He is agree with me',
      'hello how are you',
      'I need many advices',
      'i like tea',
      'It is raining today'
    ]) {
      const r = await offline(s)
      console.log(JSON.stringify(s), '|', r.correction, '|', r.explanation, '|', r.score, '|', r.reply, '|', r.timings)
    }
  })
})
