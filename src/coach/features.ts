import { DIGIT_WORDS, DISCOURSE_MARKERS, FILLERS, FUNCTION_WORDS, frequencyRank, LESS_FREQUENT_RANK } from './lexicon.js'
import type { CoachWord, LearnerAnswer } from './types.js'

/** Measured properties of the learner's speech that the bands are mapped from. */
export interface SpeechFeatures {
  answers: number
  words: number
  /** seconds from each answer's first word to its last, summed */
  speakingSeconds: number
  wordsPerMinute: number
  /** share of speaking time spent in silences of 0.25 s or more between words */
  pauseRatio: number
  meanPauseSeconds: number
  /** silences of 1 s or more */
  longPauses: number
  longPausesPerMinute: number
  fillers: number
  /** immediate repetitions and restarts ("I I", "the the", "I mean") */
  selfCorrections: number
  fillersPer100Words: number
  selfCorrectionsPer100Words: number
  /** distinct discourse markers used */
  discourseMarkers: string[]
  meanAnswerWords: number
  /** Measure of Textual Lexical Diversity (McCarthy and Jarvis 2010): mean run length keeping a type-token ratio above 0.72 */
  mtld: number
  /** share of content words ranked past LESS_FREQUENT_RANK in SUBTLEX-US */
  lessFrequentShare: number
  lessFrequentWords: string[]
  /** grammar errors (fluency markers excluded) per 100 words; filled in once errors are known */
  errorsPer100Words: number
  /** grammatical structures seen, by name */
  structures: string[]
  /** share of answers with at least one subordinate clause */
  complexAnswerShare: number
  meanConfidence: number
  /** share of words the recogniser was unsure of (confidence below 0.5) */
  lowConfidenceShare: number
}

export const PAUSE_SECONDS = 0.25
export const LONG_PAUSE_SECONDS = 1
export const LOW_CONFIDENCE = 0.5

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d

/** Lower-case word tokens of an answer: from the recogniser's words, or from the text when it gave none. */
export function tokens(answer: LearnerAnswer): string[] {
  const source = answer.words.length ? answer.words.map((w) => w.word) : answer.text.split(/\s+/)
  return source.map((w) => w.toLowerCase().replace(/[^a-z']/g, '')).filter(Boolean)
}

/** MTLD, forward and backward averaged; short samples fall back to a partial factor as the method prescribes. */
export function mtld(words: string[], threshold = 0.72): number {
  if (words.length === 0) return 0
  const pass = (seq: string[]) => {
    let factors = 0
    let types = new Set<string>()
    let count = 0
    for (const w of seq) {
      types.add(w)
      count++
      if (types.size / count <= threshold) {
        factors++
        types = new Set()
        count = 0
      }
    }
    if (count > 0) factors += (1 - types.size / count) / (1 - threshold)
    return factors > 0 ? seq.length / factors : seq.length
  }
  return (pass(words) + pass([...words].reverse())) / 2
}

const STRUCTURES: Array<[string, RegExp]> = [
  ['subordinate clause', /\b(because|although|though|while|whereas|unless|since|so that)\b/],
  ['relative clause', /\b\w+ (who|which|whose|where) \w+/],
  ['conditional', /\bif\b.*\b(would|will|could|might)\b|\b(would|could) \w+ if\b/],
  ['perfect aspect', /\b(have|has|had|'ve) (been|\w+ed|done|gone|seen|made|taken|known|become|got|written|eaten)\b/],
  ['passive voice', /\b(is|are|was|were|been|be|being) (\w+ed|made|built|known|given|taken|seen|written|done)\b/],
  ['modal verb', /\b(could|should|might|must|would)\b/],
  ['comparative', /\b(\w+er|more \w+|less \w+) than\b/],
  ['continuous aspect', /\b(am|is|are|was|were) \w+ing\b/],
  ['future form', /\b(will|going to) \w+/],
  ['gerund or infinitive complement', /\b(enjoy|like|love|prefer|want|hope|decide|plan|try|avoid) (to \w+|\w+ing)\b/]
]

const SUBORDINATORS = /\b(because|although|though|while|whereas|unless|if|when|since|which|who|that|so that)\b/

function pausesOf(words: CoachWord[]): number[] {
  const gaps: number[] = []
  for (let i = 1; i < words.length; i++) {
    const gap = words[i].start - words[i - 1].end
    if (gap >= PAUSE_SECONDS) gaps.push(gap)
  }
  return gaps
}

function selfCorrectionsOf(toks: string[]): number {
  let n = 0
  for (let i = 1; i < toks.length; i++) if (toks[i] === toks[i - 1] && !FILLERS.has(toks[i]) && !DIGIT_WORDS.has(toks[i])) n++
  const text = toks.join(' ')
  n += (text.match(/\b(i mean|sorry i|no wait)\b/g) ?? []).length
  return n
}

export function extractFeatures(answers: LearnerAnswer[]): SpeechFeatures {
  const allTokens: string[] = []
  let speakingSeconds = 0
  const pauses: number[] = []
  let fillers = 0
  let selfCorrections = 0
  let complex = 0
  const structures = new Set<string>()
  const markers = new Set<string>()
  const confidences: number[] = []
  for (const answer of answers) {
    const toks = tokens(answer)
    allTokens.push(...toks)
    if (answer.words.length > 0) {
      speakingSeconds += Math.max(0, answer.words[answer.words.length - 1].end - answer.words[0].start)
      pauses.push(...pausesOf(answer.words))
      confidences.push(...answer.words.map((w) => w.confidence))
    }
    fillers += toks.filter((t) => FILLERS.has(t)).length
    selfCorrections += selfCorrectionsOf(toks)
    const text = ` ${toks.join(' ')} `
    for (const [name, re] of STRUCTURES) if (re.test(text)) structures.add(name)
    if (SUBORDINATORS.test(text)) complex++
    for (const m of DISCOURSE_MARKERS) if (text.includes(` ${m} `)) markers.add(m)
  }
  const spoken = allTokens.filter((t) => !FILLERS.has(t))
  const words = spoken.length
  const content = spoken.filter((t) => !FUNCTION_WORDS.has(t) && t.length > 2)
  // Words missing from the list are mostly names and recognition debris, so only listed words count.
  const rare = content.filter((t) => !t.includes("'") && (frequencyRank(t) ?? 0) > LESS_FREQUENT_RANK)
  const minutes = speakingSeconds / 60
  const pauseTotal = pauses.reduce((a, b) => a + b, 0)
  const longPauses = pauses.filter((p) => p >= LONG_PAUSE_SECONDS).length
  return {
    answers: answers.length,
    words,
    speakingSeconds: round(speakingSeconds, 1),
    wordsPerMinute: minutes > 0 ? round(words / minutes, 1) : 0,
    pauseRatio: speakingSeconds > 0 ? round(pauseTotal / speakingSeconds, 3) : 0,
    meanPauseSeconds: pauses.length ? round(pauseTotal / pauses.length) : 0,
    longPauses,
    longPausesPerMinute: minutes > 0 ? round(longPauses / minutes) : 0,
    fillers,
    selfCorrections,
    fillersPer100Words: words ? round((fillers * 100) / words) : 0,
    selfCorrectionsPer100Words: words ? round((selfCorrections * 100) / words) : 0,
    discourseMarkers: [...markers],
    meanAnswerWords: answers.length ? round(words / answers.length, 1) : 0,
    mtld: round(mtld(spoken), 1),
    lessFrequentShare: content.length ? round(rare.length / content.length, 3) : 0,
    lessFrequentWords: [...new Set(rare)].slice(0, 20),
    errorsPer100Words: 0,
    structures: [...structures],
    complexAnswerShare: answers.length ? round(complex / answers.length) : 0,
    meanConfidence: confidences.length ? round(confidences.reduce((a, b) => a + b, 0) / confidences.length, 3) : 0,
    lowConfidenceShare: confidences.length ? round(confidences.filter((c) => c < LOW_CONFIDENCE).length / confidences.length, 3) : 0
  }
}
