import { BASE_VERBS, OVERREGULAR_PAST, STATIVE_VERBS, baseOf, ingOf, isThirdPerson, pastOf, thirdPersonOf } from './verbs.js'
import { tokenize, type Mistake, type Token } from './types.js'

/**
 * Our own checks for the mistakes Indian learners make most and harper.js misses ("Yesterday I eat",
 * "There is many people", "I am agree", "I am go", "two informations", double negatives). Each rule
 * is narrow: it fires only on words it knows, because a wrong correction teaches the wrong thing.
 */
export function checkRules(text: string): Mistake[] {
  const tokens = tokenize(text)
  return RULES.flatMap((rule) => rule(tokens))
}

type Rule = (t: Token[]) => Mistake[]

const SUBJECTS = new Set(['i', 'you', 'we', 'they', 'he', 'she'])
const THIRD = new Set(['he', 'she'])
const BE = new Set(['am', 'is', 'are'])
const ADVERBS = new Set(['always', 'usually', 'often', 'never', 'sometimes', 'also', 'really', 'still', 'daily'])

/** Keeps a capital first letter when the learner's word had one. */
function sameCase(original: string, replacement: string): string {
  return /^[A-Z]/.test(original) ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement
}

function replace(tokens: Token[], from: number, to: number, replacement: string, m: Omit<Mistake, 'start' | 'end' | 'replacement' | 'source'>): Mistake {
  return { ...m, start: tokens[from].start, end: tokens[to].end, replacement: sameCase(tokens[from].text, replacement), source: 'rules' }
}

/** "I am go" -> "I am going"; "I am agree" -> "I agree" (stative verbs take no be-verb). */
const beWithBaseVerb: Rule = (t) => {
  const out: Mistake[] = []
  for (let i = 1; i + 1 < t.length; i++) {
    const subject = t[i - 1].lower
    const verb = t[i + 1].lower
    if (!SUBJECTS.has(subject) || !BE.has(t[i].lower) || !BASE_VERBS.has(verb)) continue
    // "I am like my father": like is a preposition there; only "I am like to ..." is the verb.
    if (verb === 'like' && t[i + 2]?.lower !== 'to') continue
    if (STATIVE_VERBS.has(verb)) {
      const fixed = THIRD.has(subject) ? thirdPersonOf(verb) : verb
      out.push(replace(t, i, i + 1, fixed, { category: 'be_with_verb', severity: 3, hint: t[i].text }))
    } else {
      out.push(replace(t, i + 1, i + 1, ingOf(verb), { category: 'continuous', severity: 3 }))
    }
  }
  return out
}

const TIME_WORDS = /\b(yesterday|last (night|week|month|year|sunday|monday|tuesday|wednesday|thursday|friday|saturday|time)|\w+ ago|in (19|20)\d\d)\b/i
const NOT_PAST = /\b(will|tomorrow|every|usually|always|now|today|next)\b/i

/** "Yesterday I eat rice" -> "Yesterday I ate rice": the first verb after a subject, in a sentence about the past. */
const pastAfterTimeWord: Rule = (t) => {
  const text = t.map((x) => x.lower).join(' ')
  const when = TIME_WORDS.exec(text)
  if (!when || NOT_PAST.test(text)) return []
  for (let i = 0; i + 1 < t.length; i++) {
    if (!SUBJECTS.has(t[i].lower)) continue
    const word = t[i + 1].lower
    if (BE.has(word)) {
      const past = t[i].lower === 'you' || t[i].lower === 'we' || t[i].lower === 'they' ? 'were' : 'was'
      return [replace(t, i + 1, i + 1, past, { category: 'past_tense', severity: 3, hint: when[0] })]
    }
    const base = baseOf(word)
    if (base) return [replace(t, i + 1, i + 1, pastOf(base), { category: 'past_tense', severity: 3, hint: when[0] })]
    return []
  }
  return []
}

const NUMBERS = new Set(['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'many', 'several', 'few', 'some', 'lots'])
const IRREGULAR_PLURALS = new Set(['people', 'children', 'men', 'women', 'students', 'friends'])
const NOT_PLURAL = new Set(['this', 'bus', 'news', 'glass', 'class', 'series', 'yes', 'us', 'his', 'its', 'was', 'is', 'less', 'address', 'business'])
const isPlural = (w: string) => IRREGULAR_PLURALS.has(w) || (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !NOT_PLURAL.has(w))

/** "There is many people" -> "There are many people". */
const thereIsPlural: Rule = (t) => {
  const out: Mistake[] = []
  for (let i = 0; i + 2 < t.length; i++) {
    if (t[i].lower !== 'there' || (t[i + 1].lower !== 'is' && t[i + 1].lower !== 'was')) continue
    const next = t[i + 2].lower
    const plural = NUMBERS.has(next) || (/^\d+$/.test(next) && next !== '1') || isPlural(next)
    if (!plural || (next === 'some' && !isPlural(t[i + 3]?.lower ?? ''))) continue
    out.push(replace(t, i + 1, i + 1, t[i + 1].lower === 'is' ? 'are' : 'were', { category: 'there_are', severity: 3, hint: t[i + 2].text }))
  }
  return out
}

const MODALS = new Set(['can', 'could', 'will', 'would', 'should', 'must', 'may', 'might', 'to', 'did', 'does', 'do', "don't", "doesn't", "didn't"])

/** "He play cricket" -> "He plays cricket"; "They plays" -> "They play"; "He are" -> "He is". */
const subjectVerbAgreement: Rule = (t) => {
  const out: Mistake[] = []
  for (let i = 0; i + 1 < t.length; i++) {
    const subject = t[i].lower
    if (!SUBJECTS.has(subject) || MODALS.has(t[i - 1]?.lower ?? '')) continue
    let v = i + 1
    while (ADVERBS.has(t[v]?.lower ?? '') && v < i + 3) v++
    const word = t[v]?.lower
    if (!word) continue
    const third = THIRD.has(subject)
    const be = { i: 'am', you: 'are', we: 'are', they: 'are', he: 'is', she: 'is' }[subject]!
    if ((word === 'am' || word === 'is' || word === 'are') && word !== be) {
      out.push(replace(t, v, v, be, { category: 'agreement', severity: 3, hint: t[i].text }))
    } else if (third && BASE_VERBS.has(word)) {
      out.push(replace(t, v, v, thirdPersonOf(word), { category: 'agreement', severity: 3, hint: t[i].text }))
    } else if (third && word === "don't") {
      out.push(replace(t, v, v, "doesn't", { category: 'agreement', severity: 3, hint: t[i].text }))
    } else if (!third && isThirdPerson(word)) {
      out.push(replace(t, v, v, baseOf(word)!, { category: 'agreement', severity: 3, hint: t[i].text }))
    }
  }
  return out
}

const UNCOUNTABLE: Record<string, string> = {
  informations: 'information',
  advices: 'advice',
  furnitures: 'furniture',
  equipments: 'equipment',
  luggages: 'luggage',
  baggages: 'baggage',
  homeworks: 'homework',
  knowledges: 'knowledge',
  evidences: 'evidence',
  feedbacks: 'feedback',
  jewelleries: 'jewellery',
  sceneries: 'scenery'
}
const COUNTS = new Set(['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'a', 'one'])

/** "two informations" -> "two pieces of information"; "many advices" -> "a lot of advice"; else the singular. */
const uncountablePlural: Rule = (t) => {
  const out: Mistake[] = []
  t.forEach((tok, i) => {
    const singular = UNCOUNTABLE[tok.lower]
    if (!singular) return
    const before = t[i - 1]?.lower ?? ''
    const hint = singular
    if (COUNTS.has(before) || /^\d+$/.test(before)) {
      const pieces = before === 'a' || before === 'one' ? 'piece' : 'pieces'
      out.push(replace(t, i, i, `${pieces} of ${singular}`, { category: 'uncountable', severity: 2, hint }))
    } else if (before === 'many' || before === 'several') {
      out.push(replace(t, i - 1, i, `a lot of ${singular}`, { category: 'uncountable', severity: 2, hint }))
    } else {
      out.push(replace(t, i, i, singular, { category: 'uncountable', severity: 2, hint }))
    }
  })
  return out
}

const PLACES = new Set([
  'market',
  'zoo',
  'park',
  'station',
  'airport',
  'cinema',
  'mall',
  'beach',
  'library',
  'bank',
  'shop',
  'river',
  'garden',
  'office',
  'doctor',
  'temple',
  'gym',
  'museum',
  'hotel',
  'restaurant'
])
const PLACE_PREPOSITIONS = new Set(['to', 'in', 'at', 'from', 'near'])
const JOBS = new Set([
  'doctor',
  'teacher',
  'engineer',
  'student',
  'nurse',
  'driver',
  'farmer',
  'lawyer',
  'singer',
  'actor',
  'pilot',
  'manager',
  'accountant',
  'artist',
  'officer'
])
const AN_EXCEPTIONS = /^(uni|use|usu|eu|one|once|ewe)/
const SILENT_H = /^(hour|honest|honou?r|heir)/
const startsWithVowelSound = (w: string) => (/^[aeiou]/.test(w) && !AN_EXCEPTIONS.test(w)) || SILENT_H.test(w)

/** "to market" -> "to the market"; "I am doctor" -> "I am a doctor"; "a elephant" -> "an elephant". */
const articles: Rule = (t) => {
  const out: Mistake[] = []
  for (let i = 1; i < t.length; i++) {
    const word = t[i].lower
    const before = t[i - 1].lower
    if (PLACES.has(word) && PLACE_PREPOSITIONS.has(before)) {
      out.push(replace(t, i, i, `the ${t[i].text}`, { category: 'article', severity: 1, hint: t[i].text }))
    } else if (JOBS.has(word) && (BE.has(before) || before === 'was' || before === 'a' || before === 'an')) {
      if (before === 'a' || before === 'an') continue
      out.push(replace(t, i, i, `${startsWithVowelSound(word) ? 'an' : 'a'} ${t[i].text}`, { category: 'article', severity: 1, hint: t[i].text }))
    } else if ((before === 'a' && startsWithVowelSound(word)) || (before === 'an' && !startsWithVowelSound(word) && /^[a-z]/.test(word))) {
      out.push(replace(t, i - 1, i - 1, before === 'a' ? 'an' : 'a', { category: 'article_an', severity: 1, hint: t[i].text }))
    }
  }
  return out
}

const NEGATIVES = /^(not|never|no|can't|cannot|won't|[a-z]+n't)$/
const SECOND_NEGATIVE: Record<string, string> = { nothing: 'anything', nobody: 'anybody', nowhere: 'anywhere', none: 'any', noone: 'anyone' }

/** "I don't know nothing" -> "I don't know anything". */
const doubleNegative: Rule = (t) => {
  for (let i = 0; i < t.length; i++) {
    if (!NEGATIVES.test(t[i].lower)) continue
    for (let j = i + 1; j < Math.min(t.length, i + 5); j++) {
      const fix = SECOND_NEGATIVE[t[j].lower]
      if (fix) return [replace(t, j, j, fix, { category: 'double_negative', severity: 2, hint: t[i].text })]
    }
  }
  return []
}

const MAY_REPEAT = new Set(['had', 'that', 'very', 'so', 'bye', 'no'])

/** "I like the the movie" -> "I like the movie". */
const repeatedWord: Rule = (t) => {
  const out: Mistake[] = []
  for (let i = 1; i < t.length; i++) {
    if (t[i].lower !== t[i - 1].lower || MAY_REPEAT.has(t[i].lower) || /^\d+$/.test(t[i].lower)) continue
    out.push({ category: 'repetition', start: t[i - 1].end, end: t[i].end, replacement: '', severity: 1, source: 'rules', hint: t[i].text })
  }
  return out
}

const MODAL_VERBS = new Set(['can', 'could', 'will', 'would', 'should', 'must', 'may', 'might'])

/** "I goed" -> "I went"; "He can speaks" -> "He can speak". */
const verbForms: Rule = (t) => {
  const out: Mistake[] = []
  t.forEach((tok, i) => {
    const past = OVERREGULAR_PAST.get(tok.lower)
    if (past) out.push(replace(t, i, i, past, { category: 'verb_form', severity: 3, hint: tok.text }))
    else if (MODAL_VERBS.has(t[i - 1]?.lower ?? '') && isThirdPerson(tok.lower)) {
      out.push(replace(t, i, i, baseOf(tok.lower)!, { category: 'verb_form', severity: 3, hint: tok.text }))
    }
  })
  return out
}

const RULES: Rule[] = [
  verbForms,
  beWithBaseVerb,
  pastAfterTimeWord,
  thereIsPlural,
  subjectVerbAgreement,
  uncountablePlural,
  articles,
  doubleNegative,
  repeatedWord
]
