import { withIndefiniteArticle, type Rule } from '../rule.js'

/**
 * Patterns typical of Uzbek speakers of English, written from how Uzbek is built: it has no articles,
 * no grammatical gender (one pronoun "u"), puts the verb last (SOV), marks place and direction with
 * case endings instead of prepositions ("maktabga" = "to school"), has no present perfect, and counts
 * with a singular noun ("ikki kitob" = "two book"). Each rule looks for a narrow, unambiguous form of the
 * pattern: they run only for learners whose first language is Uzbek, where they are likely to be right.
 * He/she confusion is found for every learner by the generic pronoun rule (and named as Uzbek there).
 */

const UZ = 'uz'
const word = (list: string) => new Set(list.split(' '))
const said = (w: string) => (w === 'i' ? 'I' : LANGUAGES.has(w) ? w[0].toUpperCase() + w.slice(1) : w)
const phrase = (words: string[]) => words.map(said).join(' ')

const LANGUAGES = word('english russian uzbek arabic turkish korean german french chinese japanese')

/** Singular countable nouns a learner says after "is" or "have", where English needs "a"/"an". */
const COUNTABLE = word(
  'teacher doctor student engineer driver nurse lawyer programmer manager accountant economist businessman pupil ' +
    'car house flat apartment dog cat job brother sister son daughter friend city village town bike bicycle computer phone ' +
    'garden hobby country room pet park museum'
)
const DESCRIBING = word(
  'big small good nice beautiful old new large famous interesting great little young kind busy popular modern historical ancient huge lovely wonderful'
)
const TAKES_OBJECT = word('is am was have has had got buy bought want need own owns')

const articleOmitted: Rule = (t, i) => {
  if (!TAKES_OBJECT.has(t[i]) || t[i - 1] === 'a' || t[i - 1] === 'the') return null
  let j = i + 1
  if (t[j] === 'very') j++
  if (DESCRIBING.has(t[j])) j++
  if (!COUNTABLE.has(t[j]) || (j > i + 1 && t[j - 1] === 'very')) return null
  // "a school teacher", "my car key": a second noun makes the first a modifier that the article would precede anyway.
  if (COUNTABLE.has(t[j + 1])) return null
  return {
    from: i,
    to: j + 1,
    type: 'article',
    correction: `${t[i]} ${withIndefiniteArticle(t.slice(i + 1, j + 1).join(' '))}`,
    explanation: 'A singular countable noun needs "a" or "an" (or "the", "my" ...) in front. Uzbek has no articles, so they are easy to leave out.',
    l1: UZ
  }
}

const SUBJECTS = word('i you we they he she')
const OBJECTS = word('english russian uzbek football tennis chess music books films movies games history maths math it him her them')
const POSSESSIVES = word('my our his her their your')
const OBJECT_NOUNS = word('family friends parents mother father brother sister city country job teacher homework')
const VERBS = word('study studies play plays like likes love loves learn learns read reads watch watches speak speaks know knows visit visits help helps')

const verbLast: Rule = (t, i) => {
  if (!SUBJECTS.has(t[i])) return null
  // "I English study", "I my family love": a one-word object, or a possessive and its noun, then the verb.
  const objectEnd = [i + 2, i + 3].find(
    (end) => VERBS.has(t[end]) && (end === i + 2 ? OBJECTS.has(t[i + 1]) : POSSESSIVES.has(t[i + 1]) && OBJECT_NOUNS.has(t[i + 2]))
  )
  if (!objectEnd) return null
  return {
    from: i,
    to: objectEnd + 1,
    type: 'word_order',
    correction: phrase([t[i], t[objectEnd], ...t.slice(i + 1, objectEnd)]),
    explanation: 'English puts the verb straight after the subject and the object after the verb. Uzbek puts the verb last ("Men ingliz tilini o\'rganaman").',
    l1: UZ
  }
}

const MOTION = word('go goes went going come comes came coming travel travelled traveled walk walked return returned move moved')
/** Destinations said without "the" after "to". */
const BARE_PLACES = word('school university college church class bed')
const THE_PLACES = word(
  'market park cinema library hospital office gym bazaar shop mosque theatre theater museum beach mountains airport station restaurant cafe supermarket'
)
const NAMED_PLACES = word(
  'tashkent samarkand bukhara khiva fergana andijan namangan russia moscow london america turkey istanbul korea seoul dubai europe germany japan'
)

const toOmitted: Rule = (t, i) => {
  if (!MOTION.has(t[i])) return null
  const place = t[i + 1]
  const destination = BARE_PLACES.has(place)
    ? place
    : THE_PLACES.has(place)
      ? `the ${place}`
      : NAMED_PLACES.has(place)
        ? place[0].toUpperCase() + place.slice(1)
        : null
  if (!destination) return null
  return {
    from: i,
    to: i + 2,
    type: 'preposition',
    correction: `${t[i]} to ${destination}`,
    explanation: 'A destination after a verb of movement needs "to". Uzbek marks it with an ending on the noun ("maktabga"), not a separate word.',
    l1: UZ
  }
}

const DAYS = word('monday tuesday wednesday thursday friday saturday sunday')
const SEASONS = word('summer winter spring autumn')
const PARTS_OF_DAY = word('morning afternoon evening')

/** A misused preposition: how many words the pattern spans at `i` (0: no match), the fix and why. */
interface Misuse {
  span: (t: string[], i: number) => number
  fix: (t: string[], i: number) => string
  why: string
}
const pair = (first: Set<string>, second: string) => (t: string[], i: number) => (first.has(t[i]) && t[i + 1] === second ? 2 : 0)
const before = (first: string, then: Set<string>) => (t: string[], i: number) => (t[i] === first && then.has(t[i + 1]) ? 2 : 0)

/** Pairs translated from Uzbek case endings (and from Russian, which most Uzbek speakers also learnt). */
const MISUSES: Misuse[] = [
  {
    span: pair(word('depend depends depended depending'), 'from'),
    fix: (t, i) => `${t[i]} on`,
    why: '"Depend" is followed by "on", not "from" (Uzbek "-ga bog\'liq", Russian "зависеть от").'
  },
  { span: pair(word('afraid scared'), 'from'), fix: (t, i) => `${t[i]} of`, why: 'One is afraid of something (Uzbek "-dan qo\'rqmoq" uses "from").' },
  { span: pair(word('consist consists consisted'), 'from'), fix: (t, i) => `${t[i]} of`, why: 'Something consists of its parts, not "from" them.' },
  { span: pair(word('different'), 'of'), fix: () => 'different from', why: 'Things are different from each other.' },
  { span: pair(word('angry'), 'to'), fix: () => 'angry with', why: 'One is angry with a person (Uzbek "-ga jahli chiqmoq" uses the "to" case).' },
  {
    span: pair(word('enter entered'), 'to'),
    fix: (t, i) => t[i],
    why: '"Enter" takes its object directly: one enters a university (Uzbek "universitetga kirmoq" has the "to" case).'
  },
  {
    span: (t, i) => (['graduated', 'graduate'].includes(t[i]) && BARE_PLACES.has(t[i + 1]) ? 2 : 0),
    fix: (t, i) => `${t[i]} from ${t[i + 1]}`,
    why: 'One graduates from a school or university.'
  },
  {
    span: (t, i) => (t[i] === 'at' && t[i + 1] === 'the' && PARTS_OF_DAY.has(t[i + 2]) ? 3 : 0),
    fix: (t, i) => `in the ${t[i + 2]}`,
    why: 'Parts of the day take "in": in the morning, in the evening (but "at night").'
  },
  { span: before('in', DAYS), fix: (t, i) => `on ${t[i + 1]}`, why: 'Days take "on": on Monday, on the weekend.' },
  {
    span: (t, i) => before('on', SEASONS)(t, i) || before('at', SEASONS)(t, i),
    fix: (t, i) => `in ${t[i + 1]}`,
    why: 'Seasons take "in": in summer, in winter.'
  }
]

const prepositionMisused: Rule = (t, i) => {
  for (const m of MISUSES) {
    const span = m.span(t, i)
    if (span) return { from: i, to: i + span, type: 'preposition', correction: m.fix(t, i), explanation: m.why, l1: UZ }
  }
  return null
}

/** Verbs of a state that lasts until now, with the subject forms and the participle. */
const LASTING: Record<string, string> = {
  live: 'lived',
  lives: 'lived',
  work: 'worked',
  works: 'worked',
  study: 'studied',
  studies: 'studied',
  know: 'known',
  knows: 'known',
  learn: 'learned',
  learns: 'learned',
  play: 'played',
  plays: 'played',
  teach: 'taught',
  teaches: 'taught',
  am: 'been',
  is: 'been',
  are: 'been'
}
const COUNTED = word('two three four five six seven eight nine ten eleven twelve fifteen twenty many several few a long')
const LONG_SPANS = word('year years month months decade decades time')
const CLAUSE_ENDS = word('and but because when so that which who every')

const perfectMissing: Rule = (t, i) => {
  const contracted = t[i] === "i'm"
  if (!contracted && !(SUBJECTS.has(t[i]) && LASTING[t[i + 1]])) return null
  const verbAt = contracted ? i : i + 1
  for (let j = verbAt + 1; j < Math.min(t.length, verbAt + 6); j++) {
    if (CLAUSE_ENDS.has(t[j])) return null
    let end = 0
    if (t[j] === 'since' && t[j + 1]) end = j + 1
    else if (t[j] === 'for' && COUNTED.has(t[j + 1])) {
      const span = t.slice(j + 1, j + 4).findIndex((w) => LONG_SPANS.has(w))
      if (span !== -1) end = j + 2 + span
    }
    if (!end) continue
    const subject = contracted ? 'i' : t[i]
    const have = subject === 'he' || subject === 'she' ? 'has' : 'have'
    const participle = contracted ? 'been' : LASTING[t[i + 1]]
    return {
      from: i,
      to: end,
      type: 'tense',
      correction: phrase([subject, have, participle, ...t.slice(verbAt + 1, end)]),
      explanation:
        'Something that started in the past and is still true takes the present perfect with "since" or "for". Uzbek uses the present tense here ("2010-yildan beri yashayman").',
      l1: UZ
    }
  }
  return null
}

const QUANTITIES = word('two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred thousand many several few')
const PLURALS: Record<string, string> = {
  child: 'children',
  person: 'people',
  man: 'men',
  woman: 'women',
  city: 'cities',
  country: 'countries',
  family: 'families'
}
const SINGULAR = word(
  'book year month week day hour minute friend brother sister child person man woman time country city language room teacher student car house game film movie song thing place problem question lesson subject member dollar kilometre kilometer family'
)
/** "a two hour journey", "a five year plan", "two year old": the number and noun describe the next word. */
const COMPOUND_HEADS = word('old long trip journey course plan holiday programme program period contract break walk drive flight')

const pluralDropped: Rule = (t, i) => {
  const noun = t[i + 1]
  if (!QUANTITIES.has(t[i]) || !SINGULAR.has(noun) || COMPOUND_HEADS.has(t[i + 2]) || t[i - 1] === 'a') return null
  return {
    from: i,
    to: i + 2,
    type: 'plural',
    correction: `${t[i]} ${PLURALS[noun] ?? `${noun}s`}`,
    explanation: 'After a number above one (or "many", "several") the noun is plural. Uzbek keeps it singular ("ikki kitob").',
    l1: UZ
  }
}

export const UZBEK_RULES: Rule[] = [articleOmitted, verbLast, toOmitted, prepositionMisused, perfectMissing, pluralDropped]
