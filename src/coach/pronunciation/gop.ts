import { PHONES } from './dictionary.js'

/** The addon's decoder as scoring uses it (src/stt/sphinx/native.ts loads it). */
export interface ScoringDecoder {
  start(cmnMean?: Float32Array): void
  process(samples: Int16Array | Float32Array, fullUtt?: boolean): string
  end(): unknown
  cepstra(samples: Int16Array | Float32Array): Float32Array
  segments(): { word: string; start: number; end: number; ascr: number }[]
  useGrammar(jsgf: string): void
  usePhoneLoop(lmPath: string): void
  addWord(word: string, phones: string): boolean
}

/** Extra decoder arguments: forced alignment must never lose the path, so beams are wide open. */
export const SCORING_DECODER_ARGS = ['-remove_silence', 'no', '-beam', '1e-100', '-pbeam', '1e-100', '-wbeam', '1e-80']

// Acoustic scores come in the model's log base 1.0001, scaled down by 2^10 in the search.
const SCORE_TO_NATURAL_LOG = Math.log(1.0001) * 1024
const PHONE_SET: ReadonlySet<string> = new Set(PHONES)

/** One aligned phone: frames at 100 a second (end exclusive) and its goodness of pronunciation. */
export interface PhoneGop {
  phone: string
  start: number
  end: number
  /** aligned log-likelihood minus the free phone loop's over the same frames, nats per frame; 0 is as good as it gets */
  gop: number
}

/** Every phone becomes a one-phone word, so a grammar can spell out any pronunciation, right or altered. */
export function prepareDecoder(decoder: ScoringDecoder): void {
  for (const p of PHONES) decoder.addWord(p, p)
}

/** The cepstral mean of a whole recording, so a short window of it is normalised as the recording is. */
export function recordingMean(decoder: ScoringDecoder, pcm: Int16Array): Float32Array {
  const c = decoder.cepstra(pcm)
  const frames = Math.floor(c.length / 13)
  const mean = new Float32Array(13)
  for (let f = 0; f < frames; f++) for (let j = 0; j < 13; j++) mean[j] += c[f * 13 + j] / frames
  return mean
}

function decode(decoder: ScoringDecoder, pcm: Int16Array, cmn?: Float32Array) {
  decoder.start(cmn)
  decoder.process(pcm, true)
  decoder.end()
  return decoder.segments()
}

/** Score of the free phone loop at every frame: each loop segment's acoustic score spread over its frames. */
export function phoneLoopFrames(decoder: ScoringDecoder, pcm: Int16Array, phoneLm: string, cmn?: Float32Array): Float64Array {
  decoder.usePhoneLoop(phoneLm)
  const loop = decode(decoder, pcm, cmn)
  const out = new Float64Array(Math.max(0, ...loop.map((s) => s.end)) + 1)
  for (const s of loop) for (let f = s.start; f < s.end; f++) out[f] = s.ascr / (s.end - s.start)
  return out
}

/**
 * Forced alignment of `words` (each its phones) against the audio, each phone scored against the free
 * phone loop over the same frames. Undefined when the aligner cannot fit the phones to the audio.
 */
export function alignPhones(decoder: ScoringDecoder, pcm: Int16Array, words: string[][], loop: Float64Array, cmn?: Float32Array): PhoneGop[][] | undefined {
  return alignVariants(
    decoder,
    pcm,
    words.map((w) => [w]),
    loop,
    cmn
  )
}

/**
 * As alignPhones, with each word given as its accepted pronunciations: the aligner picks the one the audio
 * fits best (a reduced "to" as T AH, "new" as N Y UW), so a dictionary's citation form is not scored as wrong.
 */
export function alignVariants(decoder: ScoringDecoder, pcm: Int16Array, words: string[][][], loop: Float64Array, cmn?: Float32Array): PhoneGop[][] | undefined {
  const body = words.map((vs) => (vs.length === 1 ? vs[0].join(' ') : `( ${vs.map((v) => v.join(' ')).join(' | ')} )`)).join(' ')
  const aligned = alignGrammar(decoder, pcm, body, cmn).filter((s) => PHONE_SET.has(s.word))
  const lengths = splitWords(
    aligned.map((s) => s.word),
    words
  )
  if (!lengths) return undefined
  let k = 0
  return lengths.map((n) =>
    Array.from({ length: n }, () => {
      const s = aligned[k++]
      let free = 0
      for (let f = s.start; f < s.end; f++) free += loop[f] ?? 0
      return { phone: s.word, start: s.start, end: s.end, gop: ((s.ascr - free) * SCORE_TO_NATURAL_LOG) / (s.end - s.start) }
    })
  )
}

/** How many of the aligned phones belong to each word, given each word's pronunciations; undefined when they do not fit. */
function splitWords(phones: string[], words: string[][][]): number[] | undefined {
  const dead = new Set<number>()
  const walk = (w: number, at: number): number[] | undefined => {
    if (w === words.length) return at === phones.length ? [] : undefined
    const key = w * (phones.length + 1) + at
    if (dead.has(key)) return undefined
    for (const v of words[w]) {
      if (at + v.length > phones.length || v.some((p, j) => phones[at + j] !== p)) continue
      const rest = walk(w + 1, at + v.length)
      if (rest) return [v.length, ...rest]
    }
    dead.add(key)
    return undefined
  }
  return walk(0, 0)
}

function alignGrammar(decoder: ScoringDecoder, pcm: Int16Array, body: string, cmn?: Float32Array) {
  decoder.useGrammar(`#JSGF V1.0;\ngrammar reading;\npublic <reading> = ${body};`)
  return decode(decoder, pcm, cmn)
}
