import { readFileSync } from 'node:fs'

/** The phones of the en-us model, each usable as a one-phone "word" in an alignment grammar. */
export const PHONES = [
  'AA',
  'AE',
  'AH',
  'AO',
  'AW',
  'AY',
  'B',
  'CH',
  'D',
  'DH',
  'EH',
  'ER',
  'EY',
  'F',
  'G',
  'HH',
  'IH',
  'IY',
  'JH',
  'K',
  'L',
  'M',
  'N',
  'NG',
  'OW',
  'OY',
  'P',
  'R',
  'S',
  'SH',
  'T',
  'TH',
  'UH',
  'UW',
  'V',
  'W',
  'Y',
  'Z',
  'ZH'
] as const

export const VOWELS = new Set(['AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'EH', 'ER', 'EY', 'IH', 'IY', 'OW', 'OY', 'UH', 'UW'])

/** First (most common) pronunciation of each word in a CMU-style dictionary file. */
export function loadPronunciations(path: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const space = line.indexOf(' ')
    if (space <= 0) continue
    const word = line.slice(0, space)
    if (word.endsWith(')')) continue
    map.set(
      word,
      line
        .slice(space + 1)
        .trim()
        .split(/\s+/)
    )
  }
  return map
}

/** Every pronunciation of each word in a CMU-style dictionary file, the most common first. */
export function loadPronunciationVariants(path: string): Map<string, string[][]> {
  const map = new Map<string, string[][]>()
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const space = line.indexOf(' ')
    if (space <= 0) continue
    const word = line.slice(0, space).replace(/\(\d+\)$/, '')
    const phones = line
      .slice(space + 1)
      .replace(/#.*/, '')
      .trim()
      .split(/\s+/)
    const known = map.get(word)
    if (known) known.push(phones)
    else map.set(word, [phones])
  }
  return map
}

/** Reference text as words, each with whether a pause is expected after it (punctuation). */
export function referenceWords(text: string): { word: string; breakAfter: boolean }[] {
  const out: { word: string; breakAfter: boolean }[] = []
  for (const token of text.split(/\s+/)) {
    const word = token.toLowerCase().replace(/[^a-z']/g, '')
    if (!word) {
      if (/[,.;:?!]/.test(token) && out.length) out[out.length - 1].breakAfter = true
      continue
    }
    out.push({ word, breakAfter: /[,.;:?!]['")]*$/.test(token) })
  }
  return out
}
