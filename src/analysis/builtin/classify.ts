import Sentiment from 'sentiment'
import type { Intent, Mood, Tag } from '../types.js'
import { countCue, hasCue, type Cue } from './cues.js'
import type { Sentence } from './text.js'

// AFINN scores "thank" +2, which would make every polite call positive, and "sorry", "wrong" and
// "problem" so low that an apology or a wrong number reads as anger; call-centre words AFINN lacks are added.
const sentiment = new Sentiment()
const EXTRAS: Record<string, number> = {
  thank: 1,
  thanks: 1,
  sorry: 0,
  please: 0,
  wrong: -1,
  bother: -1,
  problem: -1,
  unacceptable: -3,
  overcharged: -3,
  useless: -3,
  ridiculous: -3,
  incompetent: -3,
  frustrated: -3,
  frustrating: -3,
  furious: -4,
  livid: -4,
  perfect: 3,
  awesome: 3,
  wonderful: 3,
  excellent: 3
}
const FIELD_SCORE: Record<string, number> = {
  positive: 2,
  negative: -2,
  happy: 2,
  joy: 2,
  angry: -3,
  anger: -3,
  sad: -2,
  sadness: -2,
  frustrated: -3,
  disgust: -2,
  fear: -1
}

/** Polarity of one sentence: lexicon score, plus what the emotion model said about its utterance. */
export function polarity(s: Sentence): number {
  const lexical = sentiment.analyze(s.plain, { extras: EXTRAS }).score
  const fields = (FIELD_SCORE[s.sentiment?.toLowerCase() ?? ''] ?? 0) + (FIELD_SCORE[s.emotion?.toLowerCase() ?? ''] ?? 0)
  return lexical + fields - 2 * countCue('complaint', s.plain)
}

/** Mostly one way is that mood; a real share of both is mixed; only weak signals is neutral. */
export function moodOf(sentences: Sentence[]): Mood {
  const scores = sentences.map(polarity)
  const pos = scores.filter((x) => x >= 2).length
  const neg = scores.filter((x) => x <= -2).length
  if (pos === 0 && neg === 0) return 'neutral'
  if (neg >= 2 * pos) return 'negative'
  if (pos >= 2 * neg) return 'positive'
  return 'mixed'
}

const EMOTION_CUES: Array<[string, RegExp]> = [
  ['anger', /\b(angry|furious|livid|outrageous|ridiculous|unacceptable|sick of|fed up|pissed)\b/],
  [
    'frustration',
    /\b(frustrat\w*|(overcharged|broken|charged|failed|happened|down|not working) again|still (not|hasn't|haven't|doesn't)|(third|fourth|fifth) time|waiting|on hold)\b/
  ],
  ['disappointment', /\b(disappoint\w*|let down|expected better)\b/],
  ['gratitude', /\b(thank you so much|thanks so much|really appreciate|much appreciated|thank you very much|that's very kind)\b/],
  ['joy', /\b(great|perfect|wonderful|excellent|awesome|love it|fantastic|happy|glad|excited)\b/],
  ['confusion', /\b(confus\w*|don't understand|not sure|what do you mean|makes no sense)\b/],
  ['worry', /\b(worried|concerned|afraid|nervous|urgent|emergency)\b/]
]
const FIELD_EMOTION: Record<string, string> = {
  angry: 'anger',
  happy: 'joy',
  sad: 'sadness',
  fearful: 'fear',
  surprised: 'surprise',
  disgusted: 'disgust',
  calm: 'calm',
  frustrated: 'frustration'
}

/** Emotions the emotion model heard, then those the words express, most frequent first. */
export function emotionsOf(sentences: Sentence[]): string[] {
  const counts = new Map<string, number>()
  const add = (e: string) => counts.set(e, (counts.get(e) ?? 0) + 1)
  for (const s of sentences) {
    const field = s.emotion?.trim().toLowerCase()
    if (field && field !== 'neutral') add(FIELD_EMOTION[field] ?? field)
    for (const [emotion, re] of EMOTION_CUES) if (re.test(s.plain)) add(emotion)
  }
  const ranked = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([e]) => e)
    .slice(0, 5)
  const heardNeutral = sentences.some((s) => s.emotion?.toLowerCase() === 'neutral')
  return ranked.length ? ranked : heardNeutral ? ['neutral'] : []
}

export interface Classification {
  tags: Tag[]
  intent: Intent
  voicemail: boolean
  wrongNumber: boolean
  resolved: boolean
}

const sum = (cue: Cue, ss: Sentence[]) => ss.reduce((n, s) => n + countCue(cue, s.plain), 0)
const any = (cue: Cue, ss: Sentence[]) => ss.some((s) => hasCue(cue, s.plain))

/** A voicemail before roles exist: its cues, or one voice asking to be called back (often a business: "this is Mike from Bright Dental"). */
export function isVoicemail(all: Sentence[]): boolean {
  const speakers = new Set(all.map((s) => s.speaker))
  return any('voicemail', all) || (speakers.size === 1 && any('callbackRequest', all))
}

/**
 * Intent from what the customer said (the agent's "how can I help" says nothing about it); tags from
 * the whole call. A cancellation outranks everything, since it is what the customer came to do.
 */
export function classify(all: Sentence[], customer: Sentence[], mood: Mood, voicemail: boolean): Classification {
  const wrongNumber = any('wrongNumber', all)
  const resolved = any('resolved', all.slice(-6))
  const sale = any('sale', all)
  const s = {
    cancel: sum('cancel', customer) * 3,
    complaint: sum('complaint', customer) * 1.5 + (mood === 'negative' ? 1 : 0),
    purchase: sum('purchase', customer) * 1.2 + (sale ? 2 : 0),
    support: sum('support', customer),
    information: sum('inquiry', customer) * 0.8
  }
  const [best, score] = Object.entries(s).sort((a, b) => b[1] - a[1])[0] as [Intent, number]
  const intent: Intent = wrongNumber || score === 0 ? 'other' : best
  const tags = new Set<Tag>()
  if (wrongNumber) return { tags: ['wrong number'], intent, voicemail: false, wrongNumber, resolved }
  if (voicemail) tags.add('voicemail')
  if (intent === 'purchase' || s.purchase >= 2.4) tags.add('client wants to buy')
  if (sale && s.purchase > 0) tags.add('sale')
  if (intent === 'complaint' || s.complaint >= 3) tags.add('complaint')
  // A cancellation is a customer-service request: the set has no tag of its own for it.
  if (intent === 'support' || intent === 'cancel' || s.support >= 2) tags.add('support')
  if (intent === 'information') tags.add('inquiry')
  const unresolved = ['complaint', 'support', 'cancel'].includes(intent) && !resolved
  if (any('followUp', all) || any('callbackRequest', all) || unresolved) tags.add('needs follow-up')
  if (tags.size === 0) tags.add('other')
  return { tags: [...tags], intent, voicemail, wrongNumber, resolved }
}
