import { afinnScorer } from '../../emotion/afinn.js'
import { emotionLabelOf, type EmotionLabel } from '../../emotion/labels.js'
import type { Intent, Mood, Tag } from '../types.js'
import { countCue, hasCue, type Cue } from './cues.js'
import { resolutionOf, type Resolution } from './outcome.js'
import type { Sentence } from './text.js'

// AFINN scores "thank" +2, which would make every polite call positive, and "sorry", "wrong" and
// "problem" so low that an apology or a wrong number reads as anger; call-centre words AFINN lacks are added.
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
  // Said in passing ("like ten times", "tomorrow is fine", "that would help"), not pleasure.
  like: 0,
  fine: 0,
  good: 1,
  help: 0,
  interested: 0,
  perfect: 3,
  awesome: 3,
  wonderful: 3,
  excellent: 3
}
const afinn = afinnScorer('call-analysis', EXTRAS)
// What the emotion stage heard in the sentence's utterance: a hint, weaker than the words themselves, since
// a long turn's label is shared by every sentence in it. Its sentiment is left out: it comes from the same words.
const FIELD_SCORE: Record<string, number> = {
  happy: 1,
  angry: -2,
  frustrated: -1,
  sad: -1
}
// Ritual thanks close nearly every call, whatever it was like.
const RITUAL = /^(okay |ok |alright |oh |yes |no |great |fine )*(thanks?|thank you)( (so much|very much|a lot|bye|for \w+( \w+)?))?$/

/** Polarity of one sentence: lexicon score, plus what the emotion model said about its utterance. */
export function polarity(s: Sentence): number {
  if (RITUAL.test(s.plain)) return 0
  const lexical = afinn(s.plain)
  const fields = FIELD_SCORE[emotionLabelOf(s.emotion) ?? ''] ?? 0
  return lexical + fields - 2 * countCue('complaint', s.plain) - 2 * countCue('grievance', s.plain)
}

/**
 * One way only is that mood; only weak signals is neutral. Both ways is mixed when the customer ends
 * pleased (upset, then happy with the fix), else whichever way the call ended.
 */
export function moodOf(sentences: Sentence[]): Mood {
  const scores = sentences.map(polarity).filter((x) => Math.abs(x) >= 2)
  const pos = scores.filter((x) => x > 0).length
  const neg = scores.length - pos
  if (pos === 0 && neg === 0) return 'neutral'
  if (pos === 0) return 'negative'
  if (neg === 0) return 'positive'
  return scores[scores.length - 1] > 0 ? 'mixed' : 'negative'
}

// Call-level emotions use the emotion engine's labels, so a record never mixes "frustration" with "frustrated".
const EMOTION_CUES: Array<[EmotionLabel, RegExp]> = [
  ['angry', /\b(angry|furious|livid|outrageous|ridiculous|unacceptable|unbelievable|sick of|fed up|pissed)\b/],
  [
    'frustrated',
    /\b(frustrat\w*|annoyed|disappoint\w*|let down|expected better|(overcharged|broken|charged|failed|happened|down|not working) again|still (not|hasn't|haven't|doesn't)|(second|third|fourth|fifth) time|been waiting|on hold)\b/
  ],
  [
    'satisfied',
    /\b(thank you so much|thanks so much|thanks a lot|really appreciate|i appreciate|much appreciated|thank you very much|that's very kind|that helps|that was easy|that was quick)\b/
  ],
  ['happy', /\b(great|perfect|wonderful|excellent|awesome|love it|fantastic|happy|glad|excited)\b/],
  ['confused', /\b(confus\w*|don't understand|not sure|what do you mean|makes no sense)\b/],
  // The emotion engines read worry and fear as sad; so does the call-level list.
  ['sad', /\b(worried|afraid|nervous|scared|sad|upset)\b/]
]

/** Emotions the emotion model heard, then those the words express, most frequent first. */
export function emotionsOf(sentences: Sentence[]): EmotionLabel[] {
  const counts = new Map<EmotionLabel, number>()
  const add = (e: EmotionLabel) => counts.set(e, (counts.get(e) ?? 0) + 1)
  for (const s of sentences) {
    const field = emotionLabelOf(s.emotion)
    if (field && field !== 'neutral') add(field)
    for (const [emotion, re] of EMOTION_CUES) if (re.test(s.plain)) add(emotion)
  }
  const ranked = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([e]) => e)
    .slice(0, 5)
  const heardNeutral = sentences.some((s) => emotionLabelOf(s.emotion) === 'neutral')
  return ranked.length ? ranked : heardNeutral ? ['neutral'] : []
}

export interface Classification {
  tags: Tag[]
  intent: Intent
  voicemail: boolean
  wrongNumber: boolean
  resolution: Resolution
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
 * the whole call and what it achieved. A cancellation outranks everything, since it is what the
 * customer came to do; a service request (a fault, a booking, a change) is support even when the
 * customer complains along the way, and a complaint about money or treatment is a complaint.
 */
export function classify(all: Sentence[], customer: Sentence[], roles: Record<string, string>, mood: Mood, voicemail: boolean): Classification {
  const wrongNumber = any('wrongNumber', all)
  const complained = sum('complaint', customer)
  const s = {
    cancel: sum('cancel', customer) * 3,
    complaint: complained * 1.5 + (mood === 'negative' ? 1 : 0) + sum('grievance', customer) * 2,
    purchase: sum('purchase', customer) * 1.2 + (any('sale', all) ? 1 : 0),
    support: sum('support', customer) * 1.6,
    information: sum('inquiry', customer) * 0.8
  }
  const [best, score] = Object.entries(s).sort((a, b) => b[1] - a[1])[0] as [Intent, number]
  const intent: Intent = wrongNumber || voicemail || score === 0 ? 'other' : best
  const resolution = resolutionOf(all, roles, intent, voicemail || wrongNumber)
  const done = new Set(resolution.outcomes)
  if (wrongNumber) return { tags: ['wrong number'], intent, voicemail: false, wrongNumber, resolution }

  const tags = new Set<Tag>()
  if (voicemail) tags.add('voicemail')
  if (!voicemail) {
    if (intent === 'purchase' || s.purchase >= 2.4 || done.has('sold')) tags.add('client wants to buy')
    if (done.has('sold')) tags.add('sale')
    if (intent === 'complaint' || complained >= 2 || (complained >= 1 && mood !== 'positive' && mood !== 'neutral')) tags.add('complaint')
    // A cancellation is a customer-service request: the set has no tag of its own for it.
    if (intent === 'support' || intent === 'cancel' || s.support >= 3.2) tags.add('support')
    if (intent === 'information' || (intent === 'purchase' && s.information >= 1.6)) tags.add('inquiry')
  }
  if (done.has('follow-up') || done.has('escalated') || done.has('unresolved') || any('callbackRequest', all)) tags.add('needs follow-up')
  if (tags.size === 0) tags.add('other')
  return { tags: [...tags], intent, voicemail, wrongNumber, resolution }
}
