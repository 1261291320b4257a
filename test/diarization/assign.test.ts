import { describe, expect, it } from 'vitest'
import { assignSpeakers } from '../../src/diarization/assign.js'

const w = (word: string, start: number, end: number) => ({ word, start, end, confidence: 0.9 })

describe('assignSpeakers', () => {
  it('moves a turn boundary that cuts a word to the side holding most of the word', () => {
    const words = [w('hello', 0.1, 0.5), w('there', 0.6, 1.0), w('yes', 1.1, 1.4), w('indeed', 1.5, 2.0)]
    // B's turn starts 0.3 s into the 0.4 s "there": most of the word is still A's.
    const turns = [
      { speaker: 'A', start: 0, end: 0.9 },
      { speaker: 'B', start: 0.9, end: 2.1 }
    ]
    const { words: labelled, utterances } = assignSpeakers(words, turns)
    expect(labelled.map((x) => x.speaker)).toEqual(['A', 'A', 'B', 'B'])
    expect(labelled[0].confidence).toBe(0.9)
    expect(utterances).toEqual([
      { speaker: 'A', start: 0.1, end: 1.0, text: 'hello there' },
      { speaker: 'B', start: 1.1, end: 2.0, text: 'yes indeed' }
    ])
  })

  it('gives a word in a gap between turns to the nearest turn', () => {
    const turns = [
      { speaker: 'A', start: 0, end: 1 },
      { speaker: 'B', start: 3, end: 4 }
    ]
    const { words } = assignSpeakers([w('um', 1.2, 1.4), w('so', 2.6, 2.8), w('bye', 4.5, 4.8), w('first', 0, 0)], turns)
    expect(words.map((x) => x.speaker)).toEqual(['A', 'B', 'B', 'A'])
  })

  it('joins consecutive words of one speaker across turns into one utterance', () => {
    const turns = [
      { speaker: 'A', start: 0, end: 1 },
      { speaker: 'A', start: 1.5, end: 2.5 },
      { speaker: 'B', start: 3, end: 4 }
    ]
    const { utterances } = assignSpeakers([w('one', 0.2, 0.6), w('two', 1.6, 2.0), w('three', 3.1, 3.5)], turns)
    expect(utterances.map((u) => [u.speaker, u.text])).toEqual([
      ['A', 'one two'],
      ['B', 'three']
    ])
  })

  it('prefers the turn with the larger overlap when turns overlap', () => {
    const turns = [
      { speaker: 'A', start: 0, end: 5 },
      { speaker: 'B', start: 2, end: 2.3 }
    ]
    expect(assignSpeakers([w('word', 2, 2.6)], turns).words[0].speaker).toBe('A')
  })

  it('puts every word on speaker A when there are no turns, and handles no words', () => {
    expect(assignSpeakers([w('alone', 0, 1)], []).utterances).toEqual([{ speaker: 'A', start: 0, end: 1, text: 'alone' }])
    expect(assignSpeakers([], [{ speaker: 'A', start: 0, end: 1 }])).toEqual({ words: [], utterances: [] })
  })
})
