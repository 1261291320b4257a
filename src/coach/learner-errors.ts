import { DIGIT_WORDS, FILLERS } from './lexicon.js'
import { LOW_CONFIDENCE } from './features.js'
import type { GrammarChecker } from './grammar.js'
import { rulesForFirstLanguage } from './l1/index.js'
import { startsWithVowelSound, type Rule } from './rule.js'
import type { ErrorType, LearnerAnswer, LearnerError } from './types.js'

interface Token {
  t: string
  start: number
  end: number
  confidence: number
}

const PAST_NOT_PARTICIPLE = new Set([
  'went',
  'ate',
  'saw',
  'took',
  'wrote',
  'gave',
  'spoke',
  'drove',
  'began',
  'drank',
  'swam',
  'broke',
  'chose',
  'forgot',
  'knew',
  'flew'
])
const PARTICIPLE: Record<string, string> = {
  went: 'gone',
  ate: 'eaten',
  saw: 'seen',
  took: 'taken',
  wrote: 'written',
  gave: 'given',
  spoke: 'spoken',
  drove: 'driven',
  began: 'begun',
  drank: 'drunk',
  swam: 'swum',
  broke: 'broken',
  chose: 'chosen',
  forgot: 'forgotten',
  knew: 'known',
  flew: 'flown'
}
const THIRD_PERSON = new Set(['he', 'she', 'it'])
const BASE_VERBS = new Set(['go', 'have', 'do', 'like', 'want', 'live', 'work', 'study', 'play', 'think', 'know', 'need', 'make', 'take', 'love'])
const THIRD = (v: string) => (v === 'have' ? 'has' : v === 'do' || v === 'go' ? `${v}es` : v.endsWith('y') ? `${v.slice(0, -1)}ies` : `${v}s`)
const FEMALE = new Set(['mother', 'mum', 'mom', 'sister', 'wife', 'girl', 'woman', 'daughter', 'aunt', 'grandmother', 'girlfriend'])
const MALE = new Set(['father', 'dad', 'brother', 'husband', 'boy', 'man', 'son', 'uncle', 'grandfather', 'boyfriend'])
const PREPOSITIONS: Record<string, [string, string]> = {
  'discuss about': ['discuss', '"Discuss" takes its object directly, without "about".'],
  'married with': ['married to', 'One is married to someone.'],
  'depend of': ['depend on', '"Depend" is followed by "on".'],
  'arrive to': ['arrive in', 'One arrives in a city or country, at a place; never "to".'],
  'interested about': ['interested in', '"Interested" is followed by "in".'],
  'good in': ['good at', 'One is good at an activity.'],
  'listen music': ['listen to music', '"Listen" needs "to" before its object.'],
  'explain me': ['explain to me', '"Explain" needs "to" before the person.']
}

/** Patterns a grammar checker misses in speech, each with the correction a teacher would give. */
const RULES: Rule[] = [
  (t, i) =>
    t[i] === 'a' && t[i + 1] && startsWithVowelSound(t[i + 1])
      ? { from: i, to: i + 2, type: 'article', correction: `an ${t[i + 1]}`, explanation: 'Use "an" before a vowel sound.' }
      : null,
  (t, i) =>
    THIRD_PERSON.has(t[i]) && BASE_VERBS.has(t[i + 1]) && t[i - 1] !== 'does' && t[i - 1] !== 'did' && t[i - 1] !== 'can'
      ? {
          from: i,
          to: i + 2,
          type: 'agreement',
          correction: `${t[i]} ${THIRD(t[i + 1])}`,
          explanation: 'In the present simple, he, she and it take the -s form of the verb.'
        }
      : null,
  (t, i) =>
    t[i] === 'there' && (t[i + 1] === 'is' || t[i + 1] === 'was') && (t[i + 2] === 'many' || t[i + 2] === 'lots' || t[i + 2] === 'a lot')
      ? {
          from: i,
          to: i + 3,
          type: 'agreement',
          correction: `there ${t[i + 1] === 'is' ? 'are' : 'were'} ${t[i + 2]}`,
          explanation: 'A plural subject after "there" takes a plural verb.'
        }
      : null,
  (t, i) =>
    t[i] === 'people' && (t[i + 1] === 'is' || t[i + 1] === 'was')
      ? { from: i, to: i + 2, type: 'agreement', correction: `people ${t[i + 1] === 'is' ? 'are' : 'were'}`, explanation: '"People" is plural.' }
      : null,
  (t, i) =>
    t[i] === 'am' && t[i + 1] === 'agree' && t[i - 1] === 'i'
      ? {
          from: i - 1,
          to: i + 2,
          type: 'verb_form',
          correction: 'I agree',
          explanation: '"Agree" is a verb, not an adjective: no "am".',
          l1: 'uz'
        }
      : null,
  (t, i) =>
    (t[i] === 'have' || t[i] === 'has' || t[i] === 'had' || t[i] === "i've") && PAST_NOT_PARTICIPLE.has(t[i + 1])
      ? {
          from: i,
          to: i + 2,
          type: 'verb_form',
          correction: `${t[i]} ${PARTICIPLE[t[i + 1]]}`,
          explanation: `The perfect takes the past participle ("${PARTICIPLE[t[i + 1]]}"), not the past simple.`
        }
      : null,
  (t, i) =>
    t[i] === 'did' && t[i + 2] && /ed$|^(went|saw|ate|made|took|came|bought)$/.test(t[i + 2]) && ['i', 'you', 'he', 'she', 'we', 'they'].includes(t[i + 1])
      ? {
          from: i,
          to: i + 3,
          type: 'tense',
          correction: `did ${t[i + 1]} + base form`,
          explanation: 'After "did" the verb goes back to its base form.'
        }
      : null,
  (t, i) =>
    t[i] === 'i' && t[i + 1] === 'very' && (t[i + 2] === 'like' || t[i + 2] === 'love' || t[i + 2] === 'enjoy')
      ? {
          from: i,
          to: i + 3,
          type: 'word_order',
          correction: `I really ${t[i + 2]} (or: I ${t[i + 2]} ... very much)`,
          explanation: '"Very" cannot come before a verb; Uzbek and Russian put the intensifier there, English does not.',
          l1: 'uz'
        }
      : null,
  (t, i) =>
    (t[i] === 'more' || t[i] === 'most') && t[i + 1] && /^\w{3,}(er|est)$/.test(t[i + 1]) && !['other', 'never', 'interest', 'forest'].includes(t[i + 1])
      ? { from: i, to: i + 2, type: 'comparative', correction: t[i + 1], explanation: 'Use either "more" or the -er form, not both.' }
      : null,
  (t, i) => {
    const key = `${t[i]} ${t[i + 1]}`
    const hit = PREPOSITIONS[key]
    return hit ? { from: i, to: i + 2, type: 'preposition', correction: hit[0], explanation: hit[1] } : null
  },
  (t, i) => {
    if (!FEMALE.has(t[i]) && !MALE.has(t[i])) return null
    const wrong = FEMALE.has(t[i]) ? ['he', 'him', 'his'] : ['she', 'her', 'hers']
    for (let j = i + 1; j < Math.min(t.length, i + 6); j++) {
      if (wrong.includes(t[j])) {
        const right: Record<string, string> = FEMALE.has(t[i]) ? { he: 'she', him: 'her', his: 'her' } : { she: 'he', her: 'his', hers: 'his' }
        return {
          from: j,
          to: j + 1,
          type: 'pronoun',
          correction: right[t[j]],
          explanation: `The pronoun should match "${t[i]}". Uzbek has one pronoun ("u") for he and she, so the two are easily swapped.`,
          l1: 'uz'
        }
      }
    }
    return null
  },
  (t, i) =>
    FILLERS.has(t[i])
      ? {
          from: i,
          to: i + 1,
          type: 'filler',
          correction: '(pause silently or use a phrase such as "let me think")',
          explanation: 'Filled pauses make speech sound hesitant.'
        }
      : null,
  (t, i) =>
    i > 0 && t[i] === t[i - 1] && !FILLERS.has(t[i]) && !DIGIT_WORDS.has(t[i])
      ? {
          from: i - 1,
          to: i + 1,
          type: 'repetition',
          correction: t[i],
          explanation: 'A repeated word sounds like hesitation: plan the phrase, then say it once.'
        }
      : null
]

function tokensOf(answer: LearnerAnswer): Token[] {
  if (answer.words.length) {
    return answer.words
      .map((w) => ({ t: w.word.toLowerCase().replace(/[^a-z']/g, ''), start: w.start, end: w.end, confidence: w.confidence }))
      .filter((w) => w.t)
  }
  return answer.text
    .split(/\s+/)
    .map((w) => ({ t: w.toLowerCase().replace(/[^a-z']/g, ''), start: 0, end: 0, confidence: 1 }))
    .filter((w) => w.t)
}

function toError(answer: LearnerAnswer, toks: Token[], from: number, to: number, m: Omit<LearnerError, 'text' | 'start' | 'end' | 'confidence' | 'seq'>) {
  const span = toks.slice(Math.max(0, from), to)
  if (span.length === 0) return null
  const confidence = Math.min(...span.map((s) => s.confidence))
  // A word the recogniser was unsure of may be its mistake, not the learner's.
  if (confidence < LOW_CONFIDENCE) return null
  return { ...m, text: span.map((s) => s.t).join(' '), start: span[0].start, end: span[span.length - 1].end, confidence, seq: answer.seq }
}

/**
 * Rule-based errors only: fast enough (well under 50 ms) for the summary that follows the end of a session.
 * A learner with a first language we have rules for gets those too, unless a generic rule already found
 * something in the same words.
 */
export function ruleErrors(answers: LearnerAnswer[], firstLanguage?: string | null): LearnerError[] {
  const l1Rules = rulesForFirstLanguage(firstLanguage)
  const out: LearnerError[] = []
  for (const answer of answers) {
    const toks = tokensOf(answer)
    const t = toks.map((x) => x.t)
    const covered: Array<[number, number]> = []
    const apply = (rules: Rule[], skipCovered: boolean) => {
      for (let i = 0; i < t.length; i++) {
        for (const rule of rules) {
          const m = rule(t, i)
          if (!m) continue
          if (skipCovered && covered.some(([from, to]) => m.from < to && from < m.to)) continue
          covered.push([m.from, m.to])
          const e = toError(answer, toks, m.from, m.to, {
            type: m.type,
            correction: m.correction,
            explanation: m.explanation,
            source: 'rule',
            ...(m.l1 && { l1: m.l1 })
          })
          if (e) out.push(e)
        }
      }
    }
    apply(RULES, false)
    apply(l1Rules, true)
  }
  return out.sort((a, b) => a.seq - b.seq || a.start - b.start)
}

function harperType(kind: string, message: string, text: string): ErrorType {
  if (kind === 'Agreement') return 'agreement'
  if (kind === 'Repetition') return 'repetition'
  if (/article/i.test(message)) return 'article'
  if (/^(more|most) /.test(text)) return 'comparative'
  if (/participle|tense|verb/i.test(message)) return 'verb_form'
  return 'grammar'
}

/**
 * A transcript has no sentence ends, and the checker reads a whole answer as one run-on sentence, which
 * hides errors and costs superlinear time; it checks overlapping windows of words instead.
 */
const WINDOW = 15
const STEP = 12

/** Rules plus the grammar checker; an issue both found is reported once, as the rule's. */
export async function analyseErrors(answers: LearnerAnswer[], checker: GrammarChecker, firstLanguage?: string | null): Promise<LearnerError[]> {
  const found = ruleErrors(answers, firstLanguage)
  for (const answer of answers) {
    const all = tokensOf(answer)
    for (let base = 0; base < all.length; base += STEP) {
      const toks = all.slice(base, base + WINDOW)
      const offsets: number[] = []
      let text = ''
      for (const tok of toks) {
        offsets.push(text ? text.length + 1 : 0)
        text += (text ? ' ' : '') + tok.t
      }
      for (const issue of await checker.check(text)) {
        // An issue without a replacement gives the learner nothing to practise.
        if (issue.replacement === undefined) continue
        // Numbers read out repeat digits without any hesitation.
        if (issue.kind === 'Repetition' && DIGIT_WORDS.has(text.slice(issue.start, issue.end).split(' ')[0])) continue
        const from = offsets.findLastIndex((o) => o <= issue.start)
        let to = offsets.findIndex((o) => o >= issue.end)
        if (to === -1) to = toks.length
        const type = harperType(issue.kind, issue.message, text.slice(issue.start, issue.end))
        const e = toError(answer, all, base + from, base + to, {
          type,
          correction: text.slice(offsets[from], issue.start) + issue.replacement + text.slice(issue.end, to < toks.length ? offsets[to] - 1 : text.length),
          explanation: issue.message,
          source: 'grammar'
        })
        if (!e) continue
        const overlaps = found.some((f) => f.seq === e.seq && f.start <= e.end && e.start <= f.end && (f.type === e.type || f.source === 'rule'))
        if (!overlaps) found.push(e)
      }
      if (base + WINDOW >= all.length) break
    }
  }
  return found.sort((a, b) => a.seq - b.seq || a.start - b.start)
}
