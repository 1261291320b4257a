import { describe, expect, it } from 'vitest'
import { dictionaryWords } from '../../scripts/telephone-adapt/adapt.js'

// A few entries as the en-us dictionary has them: "a" is the article, "a." the letter's name.
const dict = new Set(['a', 'a.', 'b.', 'zed', 'dog', 'them'])

describe('telephone adaptation transcripts', () => {
  it('keeps a spelt letter as the dictionary word for its name', () => {
    expect(dictionaryWords('a.', dict)).toEqual(['a.'])
    expect(dictionaryWords('B.', dict)).toEqual(['b.'])
  })

  it('drops sentence punctuation the dictionary does not spell', () => {
    expect(dictionaryWords('A dog, them.', dict)).toEqual(['a', 'dog', 'them'])
  })

  it('refuses a transcript with a word the dictionary lacks', () => {
    expect(dictionaryWords('a cat', dict)).toBeUndefined()
  })
})
