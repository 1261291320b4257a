import type { SpeechFeatures } from './features.js'
import { CRITERIA, FLUENCY_TYPES, type Criterion, type LearnerAnswer, type LearnerError } from './types.js'

/** One measured feature turned into a band, so every band can be traced back to numbers. */
export interface FeatureBand {
  feature: string
  value: number
  band: number
}

export interface Evidence {
  quote: string
  /** the answer quoted */
  seq: number
  why: string
}

export interface CriterionScore {
  criterion: Criterion
  band: number
  /** the features the band is the mean of */
  measures: FeatureBand[]
  /** our summary of the public band descriptor for this band */
  descriptor: string
  evidence: Evidence[]
  /** what the band could not take into account */
  limitations?: string
}

/**
 * Feature value -> band, by linear interpolation between anchors (value, band), clamped at both
 * ends. Anchors are where a candidate at that band typically sits; see README "How bands are mapped".
 */
type Anchors = Array<[number, number]>

export const ANCHORS: Record<string, Anchors> = {
  wordsPerMinute: [
    [50, 3],
    [70, 4],
    [90, 5],
    [110, 6],
    [130, 7],
    [150, 8],
    [170, 9]
  ],
  pauseRatio: [
    [0.55, 3],
    [0.45, 4],
    [0.35, 5],
    [0.27, 6],
    [0.2, 7],
    [0.13, 8],
    [0.07, 9]
  ],
  longPausesPerMinute: [
    [8, 3],
    [6, 4],
    [4, 5],
    [3, 6],
    [2, 7],
    [1, 8],
    [0.3, 9]
  ],
  hesitationsPer100Words: [
    [16, 3],
    [12, 4],
    [8, 5],
    [5, 6],
    [3, 7],
    [1.5, 8],
    [0.5, 9]
  ],
  discourseMarkers: [
    [0, 4],
    [1, 5],
    [2, 6],
    [4, 7],
    [6, 8],
    [8, 9]
  ],
  mtld: [
    [20, 3],
    [30, 4],
    [40, 5],
    [52, 6],
    [65, 7],
    [80, 8],
    [100, 9]
  ],
  lessFrequentShare: [
    [0.01, 3],
    [0.03, 4],
    [0.05, 5],
    [0.08, 6],
    [0.11, 7],
    [0.15, 8],
    [0.2, 9]
  ],
  errorsPer100Words: [
    [16, 3],
    [12, 4],
    [8, 5],
    [5, 6],
    [3, 7],
    [1.5, 8],
    [0.5, 9]
  ],
  structureRange: [
    [0, 3],
    [1, 4],
    [2, 5],
    [3, 6],
    [5, 7],
    [6, 8],
    [8, 9]
  ],
  complexAnswerShare: [
    [0, 4],
    [0.15, 5],
    [0.3, 6],
    [0.5, 7],
    [0.7, 8],
    [0.85, 9]
  ],
  // Session GOP accuracy (0-100), not calibrated on rated learners: the dev split's native readers (median
  // correctly read word 70) sit at band 8-9, and each 8 points lower is about a band less. The band it gives
  // moves the Pronunciation band at most half a band from the recogniser-confidence measures.
  gopAccuracy: [
    [28, 3],
    [36, 4],
    [44, 5],
    [52, 6],
    [60, 7],
    [68, 8],
    [75, 9]
  ],
  meanConfidence: [
    [0.4, 3],
    [0.5, 4],
    [0.6, 5],
    [0.7, 6],
    [0.8, 7],
    [0.88, 8],
    [0.94, 9]
  ],
  lowConfidenceShare: [
    [0.5, 3],
    [0.4, 4],
    [0.3, 5],
    [0.2, 6],
    [0.12, 7],
    [0.06, 8],
    [0.02, 9]
  ]
}

export function interpolate(anchors: Anchors, value: number): number {
  const increasing = anchors[anchors.length - 1][0] > anchors[0][0]
  const pts = increasing ? anchors : [...anchors].reverse()
  if (value <= pts[0][0]) return pts[0][1]
  if (value >= pts[pts.length - 1][0]) return pts[pts.length - 1][1]
  for (let i = 1; i < pts.length; i++) {
    const [x1, y1] = pts[i]
    const [x0, y0] = pts[i - 1]
    if (value <= x1) return y0 + ((value - x0) / (x1 - x0)) * (y1 - y0)
  }
  return pts[pts.length - 1][1]
}

export const toHalfBand = (x: number) => Math.min(9, Math.max(0, Math.round(x * 2) / 2))

/** IELTS overall: the mean of the four, to the nearest half band; x.25 and x.75 round up. */
export const overallBand = (bands: number[]) => Math.round((bands.reduce((a, b) => a + b, 0) / bands.length) * 2) / 2

/**
 * Our one-line summaries of the public IELTS speaking band descriptors, by criterion and whole band.
 * A half band sits between two lines; the lower line is shown.
 */
export const DESCRIPTORS: Record<Criterion, Record<number, string>> = {
  fluency_coherence: {
    9: 'Speaks fluently with only rare repetition or self-correction; develops topics fully and coherently.',
    8: 'Speaks fluently with only occasional repetition or self-correction; hesitation is mostly content-related.',
    7: 'Speaks at length without noticeable effort; some language-related hesitation, repetition or self-correction.',
    6: 'Willing to speak at length, though coherence may be lost at times through repetition, self-correction or hesitation.',
    5: 'Usually keeps going, but relies on repetition, self-correction and/or slow speech to do so.',
    4: 'Cannot respond without noticeable pauses and may speak slowly, with frequent repetition and self-correction.',
    3: 'Speaks with long pauses; has limited ability to link simple sentences.',
    2: 'Pauses lengthily before most words; little communication possible.',
    1: 'No communication possible.',
    0: 'Did not attempt the test.'
  },
  lexical_resource: {
    9: 'Uses vocabulary with full flexibility and precision in all topics; idiomatic language naturally and accurately.',
    8: 'Uses a wide vocabulary resource readily and flexibly; uses less common and idiomatic vocabulary skilfully.',
    7: 'Uses vocabulary flexibly to discuss a variety of topics; uses some less common and idiomatic vocabulary.',
    6: 'Has a wide enough vocabulary to discuss topics at length and make meaning clear in spite of inappropriacies.',
    5: 'Manages to talk about familiar and unfamiliar topics but uses vocabulary with limited flexibility.',
    4: 'Is able to talk about familiar topics but can only convey basic meaning on unfamiliar topics.',
    3: 'Uses simple vocabulary to convey personal information; insufficient vocabulary for less familiar topics.',
    2: 'Only produces isolated words or memorised utterances.',
    1: 'No communication possible.',
    0: 'Did not attempt the test.'
  },
  grammatical_range_accuracy: {
    9: 'Uses a full range of structures naturally and appropriately; produces consistently accurate structures.',
    8: 'Uses a wide range of structures flexibly; produces a majority of error-free sentences.',
    7: 'Uses a range of complex structures with some flexibility; frequently produces error-free sentences.',
    6: 'Uses a mix of simple and complex structures, but with limited flexibility; errors rarely impede communication.',
    5: 'Produces basic sentence forms with reasonable accuracy; uses a limited range of more complex structures, with errors.',
    4: 'Produces basic sentence forms and some correct simple sentences; subordinate structures are rare; errors are frequent.',
    3: 'Attempts basic sentence forms but with limited success, or relies on memorised utterances.',
    2: 'Cannot produce basic sentence forms.',
    1: 'No communication possible.',
    0: 'Did not attempt the test.'
  },
  pronunciation: {
    9: 'Uses a full range of pronunciation features with precision and subtlety; effortless to understand.',
    8: 'Uses a wide range of pronunciation features; is easy to understand throughout.',
    7: 'Shows all the positive features of band 6 and some, but not all, of those of band 8.',
    6: 'Uses a range of pronunciation features with mixed control; can generally be understood throughout.',
    5: 'Shows all the positive features of band 4 and some, but not all, of those of band 6.',
    4: 'Uses a limited range of pronunciation features; mispronunciations are frequent and cause some difficulty.',
    3: 'Shows some of the features of band 2 and some, but not all, of the positive features of band 4.',
    2: 'Speech is often unintelligible.',
    1: 'No communication possible.',
    0: 'Did not attempt the test.'
  }
}

/** Below this many words there is too little language to rate, as an examiner would say. */
export const MIN_WORDS = 20

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

function measure(feature: string, value: number, anchorKey = feature): FeatureBand {
  return { feature, value, band: Math.round(interpolate(ANCHORS[anchorKey], value) * 100) / 100 }
}

const words = (a: LearnerAnswer) => (a.words.length ? a.words.map((w) => w.word) : a.text.split(/\s+/))
const quoteOf = (a: LearnerAnswer, max = 30) => {
  const w = words(a)
  return w.slice(0, max).join(' ') + (w.length > max ? ' ...' : '')
}

function longestPause(answers: LearnerAnswer[]): Evidence | null {
  let best: { gap: number; a: LearnerAnswer; i: number } | null = null
  for (const a of answers) {
    for (let i = 1; i < a.words.length; i++) {
      const gap = a.words[i].start - a.words[i - 1].end
      if (!best || gap > best.gap) best = { gap, a, i }
    }
  }
  if (!best || best.gap < 0.5) return null
  const w = best.a.words.map((x) => x.word)
  const quote = `${w.slice(Math.max(0, best.i - 5), best.i).join(' ')} ... ${w.slice(best.i, best.i + 5).join(' ')}`
  return { quote, seq: best.a.seq, why: `a ${best.gap.toFixed(1)} s pause` }
}

function evidenceFor(criterion: Criterion, answers: LearnerAnswer[], f: SpeechFeatures, errors: LearnerError[]): Evidence[] {
  const out: Evidence[] = []
  const longest = [...answers].sort((a, b) => words(b).length - words(a).length)[0]
  if (!longest) return out
  if (criterion === 'fluency_coherence') {
    out.push({ quote: quoteOf(longest), seq: longest.seq, why: `the longest answer (${words(longest).length} words)` })
    const pause = longestPause(answers)
    if (pause) out.push(pause)
    const hesitation = errors.find((e) => FLUENCY_TYPES.includes(e.type))
    if (hesitation) out.push({ quote: hesitation.text, seq: hesitation.seq, why: hesitation.type === 'filler' ? 'a filled pause' : 'a repetition' })
  }
  if (criterion === 'lexical_resource') {
    for (const word of f.lessFrequentWords.slice(0, 3)) {
      const a = answers.find((x) => words(x).some((w) => w.toLowerCase() === word))
      if (a) {
        const w = words(a)
        const i = w.findIndex((x) => x.toLowerCase() === word)
        out.push({ quote: w.slice(Math.max(0, i - 4), i + 5).join(' '), seq: a.seq, why: `less frequent word "${word}"` })
      }
    }
    if (out.length === 0) out.push({ quote: quoteOf(longest, 20), seq: longest.seq, why: 'everyday vocabulary only' })
  }
  if (criterion === 'grammatical_range_accuracy') {
    const complex = answers.find((a) => /\b(because|although|which|who|if|when)\b/i.test(words(a).join(' ')))
    if (complex) out.push({ quote: quoteOf(complex, 25), seq: complex.seq, why: 'a complex sentence' })
    for (const e of errors.filter((x) => !FLUENCY_TYPES.includes(x.type)).slice(0, 2)) {
      out.push({ quote: e.text, seq: e.seq, why: `${e.type.replace('_', ' ')} error (should be "${e.correction}")` })
    }
  }
  if (criterion === 'pronunciation') {
    const unclear = answers.flatMap((a) => a.words.filter((w) => w.confidence < 0.5).map((w) => ({ w, a }))).slice(0, 3)
    for (const { w, a } of unclear) out.push({ quote: w.word, seq: a.seq, why: `recognised with low confidence (${w.confidence.toFixed(2)})` })
    if (out.length === 0) out.push({ quote: quoteOf(longest, 15), seq: longest.seq, why: 'recognised clearly throughout' })
  }
  return out
}

/**
 * Bands per criterion from measured features: each feature is mapped to a band through its anchors,
 * the criterion's band is their mean rounded to the nearest half band. Pronunciation is provisional:
 * without a goodness-of-pronunciation measure it rests on how surely the recogniser understood the
 * learner (intelligibility) and on rate and pausing (rhythm), and says so.
 */
export function scoreBands(
  answers: LearnerAnswer[],
  f: SpeechFeatures,
  errors: LearnerError[],
  pronunciation?: { scores?: { accuracy: number }; flagged?: Array<{ seq: number; word: string; accuracy: number }> }
): { criteria: CriterionScore[]; overall: number } {
  const hesitations = f.fillersPer100Words + f.selfCorrectionsPer100Words
  const measures: Record<Criterion, FeatureBand[]> = {
    fluency_coherence: [
      measure('wordsPerMinute', f.wordsPerMinute),
      measure('pauseRatio', f.pauseRatio),
      measure('longPausesPerMinute', f.longPausesPerMinute),
      measure('hesitationsPer100Words', hesitations),
      measure('discourseMarkers', f.discourseMarkers.length)
    ],
    lexical_resource: [measure('mtld', f.mtld), measure('lessFrequentShare', f.lessFrequentShare)],
    grammatical_range_accuracy: [
      measure('errorsPer100Words', f.errorsPer100Words),
      measure('structureRange', f.structures.length),
      measure('complexAnswerShare', f.complexAnswerShare)
    ],
    pronunciation: [measure('meanConfidence', f.meanConfidence), measure('lowConfidenceShare', f.lowConfidenceShare), measure('pauseRatio', f.pauseRatio)]
  }
  const gop = pronunciation?.scores
  const tooLittle = f.words < MIN_WORDS
  const criteria = CRITERIA.map((criterion) => {
    let band = f.words === 0 ? 0 : toHalfBand(mean(measures[criterion].map((m) => m.band)))
    if (criterion === 'pronunciation' && gop && f.words > 0) {
      // GOP accuracy joins the mean, within half a band of what the recogniser-confidence measures say.
      const withGop = toHalfBand(mean([...measures.pronunciation.map((m) => m.band), interpolate(ANCHORS.gopAccuracy, gop.accuracy)]))
      measures.pronunciation.push(measure('gopAccuracy', gop.accuracy))
      band = Math.min(band + 0.5, Math.max(band - 0.5, withGop))
    }
    if (tooLittle && band > 3) band = 3
    return {
      criterion,
      band,
      measures: measures[criterion],
      descriptor: DESCRIPTORS[criterion][Math.floor(band)],
      evidence: [
        ...(criterion === 'pronunciation'
          ? (pronunciation?.flagged ?? [])
              .slice(0, 3)
              .map((w) => ({ quote: w.word, seq: w.seq, why: `mispronounced (accuracy ${Math.round(w.accuracy)} of 100)` }))
          : []),
        ...evidenceFor(criterion, answers, f, errors)
      ],
      ...(criterion === 'pronunciation' && {
        limitations: gop
          ? 'Provisional: phoneme accuracy (goodness of pronunciation against the recognised words) joins recogniser confidence and pausing, but is not calibrated on rated learners, so it moves this band at most half a band; stress and intonation are not rated.'
          : 'Provisional: no goodness-of-pronunciation measure for this session. This band rests on recogniser confidence (intelligibility) and pausing (rhythm), not on phoneme accuracy, stress or intonation.'
      }),
      ...(tooLittle && criterion !== 'pronunciation' && { limitations: `Fewer than ${MIN_WORDS} words: too little speech to rate above band 3.` })
    }
  })
  return { criteria, overall: overallBand(criteria.map((c) => c.band)) }
}
