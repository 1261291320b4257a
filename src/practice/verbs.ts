/**
 * The verbs learners use most, with the forms the rules need. Irregular past forms are listed; the
 * rest follow the spelling rules below. Small on purpose: a rule only fires on a verb it knows, so an
 * unknown word is left alone rather than "corrected" by a guess.
 */
const IRREGULAR_PAST: Record<string, string> = {
  be: 'was',
  become: 'became',
  begin: 'began',
  break: 'broke',
  bring: 'brought',
  build: 'built',
  buy: 'bought',
  catch: 'caught',
  choose: 'chose',
  come: 'came',
  cut: 'cut',
  do: 'did',
  draw: 'drew',
  drink: 'drank',
  drive: 'drove',
  eat: 'ate',
  fall: 'fell',
  feel: 'felt',
  fight: 'fought',
  find: 'found',
  fly: 'flew',
  forget: 'forgot',
  get: 'got',
  give: 'gave',
  go: 'went',
  grow: 'grew',
  have: 'had',
  hear: 'heard',
  hit: 'hit',
  keep: 'kept',
  know: 'knew',
  leave: 'left',
  lose: 'lost',
  make: 'made',
  mean: 'meant',
  meet: 'met',
  pay: 'paid',
  put: 'put',
  read: 'read',
  ride: 'rode',
  run: 'ran',
  say: 'said',
  see: 'saw',
  sell: 'sold',
  send: 'sent',
  sing: 'sang',
  sit: 'sat',
  sleep: 'slept',
  speak: 'spoke',
  spend: 'spent',
  stand: 'stood',
  swim: 'swam',
  take: 'took',
  teach: 'taught',
  tell: 'told',
  think: 'thought',
  throw: 'threw',
  understand: 'understood',
  wake: 'woke',
  wear: 'wore',
  win: 'won',
  write: 'wrote'
}

const REGULAR = [
  'agree',
  'answer',
  'arrive',
  'ask',
  'believe',
  'call',
  'carry',
  'change',
  'chat',
  'clean',
  'cook',
  'cry',
  'dance',
  'disagree',
  'enjoy',
  'finish',
  'hate',
  'help',
  'hope',
  'improve',
  'jog',
  'learn',
  'like',
  'listen',
  'live',
  'look',
  'love',
  'miss',
  'move',
  'need',
  'open',
  'plan',
  'play',
  'practice',
  'practise',
  'prefer',
  'reach',
  'remember',
  'return',
  'shop',
  'start',
  'stay',
  'stop',
  'study',
  'talk',
  'travel',
  'try',
  'use',
  'visit',
  'wait',
  'walk',
  'want',
  'wash',
  'watch',
  'work',
  'worry'
]

/** Verbs whose final consonant doubles before -ing and -ed. */
const DOUBLES = new Set(['begin', 'chat', 'cut', 'get', 'hit', 'jog', 'plan', 'put', 'run', 'shop', 'sit', 'stop', 'swim', 'win', 'prefer'])

export const BASE_VERBS: ReadonlySet<string> = new Set([...Object.keys(IRREGULAR_PAST), ...REGULAR].filter((v) => v !== 'be'))

/**
 * Verbs that already say the whole thing: "I am agree" wants the be-verb dropped ("I agree"), where an
 * action verb after "am" wants -ing ("I am going").
 */
export const STATIVE_VERBS: ReadonlySet<string> = new Set([
  'agree',
  'believe',
  'disagree',
  'feel',
  'hate',
  'hope',
  'know',
  'like',
  'live',
  'love',
  'mean',
  'need',
  'prefer',
  'remember',
  'think',
  'understand',
  'want'
])

const consonantY = (v: string) => /[^aeiou]y$/.test(v)

export function pastOf(base: string): string {
  if (IRREGULAR_PAST[base]) return IRREGULAR_PAST[base]
  if (DOUBLES.has(base)) return `${base}${base.at(-1)}ed`
  return regularPast(base)
}

export function thirdPersonOf(base: string): string {
  if (base === 'have') return 'has'
  if (base === 'do' || base === 'go') return `${base}es`
  if (/(s|sh|ch|x|z)$/.test(base)) return `${base}es`
  if (consonantY(base)) return `${base.slice(0, -1)}ies`
  return `${base}s`
}

export function ingOf(base: string): string {
  if (base.endsWith('ie')) return `${base.slice(0, -2)}ying`
  if (DOUBLES.has(base)) return `${base}${base.at(-1)}ing`
  if (base.endsWith('e') && !/(ee|ye|oe)$/.test(base)) return `${base.slice(0, -1)}ing`
  return `${base}ing`
}

/** "goed", "eated", "buyed": the regular ending learners put on irregular verbs, to the right past form. */
export const OVERREGULAR_PAST: ReadonlyMap<string, string> = new Map(
  Object.entries(IRREGULAR_PAST)
    .filter(([base, past]) => base !== 'be' && regularPast(base) !== past)
    .map(([base, past]) => [regularPast(base), past] as const)
    // words of their own: "a seed", "wined and dined", "a well sited house"
    .filter(([wrong]) => !['seed', 'wined', 'sited'].includes(wrong))
)

function regularPast(base: string): string {
  if (base.endsWith('e')) return `${base}d`
  if (consonantY(base)) return `${base.slice(0, -1)}ied`
  return `${base}ed`
}

const THIRD_PERSON = new Map([...BASE_VERBS].map((v) => [thirdPersonOf(v), v]))

/** The base form of a known verb in its base or -s form ("plays" -> "play"), else undefined. */
export function baseOf(word: string): string | undefined {
  if (BASE_VERBS.has(word)) return word
  return THIRD_PERSON.get(word)
}

export function isThirdPerson(word: string): boolean {
  return THIRD_PERSON.has(word)
}
