import { nlp } from './nlp.js'
import type { Entity, EntityType } from '../types.js'

const DIGIT: Record<string, string> = {
  zero: '0',
  oh: '0',
  o: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9'
}
const SPOKEN_DIGITS = new RegExp(`\\b(?:(?:${Object.keys(DIGIT).join('|')})\\s+){6,}(?:${Object.keys(DIGIT).join('|')})\\b`, 'gi')
const WRITTEN_PHONE = /(?<![\w.])\+?\d[\d ().-]{5,}\d(?![\w])/g
const EMAIL = /\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g
const SPOKEN_EMAIL = /\b([a-z0-9]+(?: dot [a-z0-9]+)*) at ([a-z0-9]+(?: dot [a-z0-9]+)*) dot (com|org|net|io|co|uk|de|fr|edu|gov)\b/gi
const HOURS = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\\d{1,2}'
const TIME = new RegExp(
  `\\b((${HOURS})([: ](\\d{2}|fifteen|thirty|forty five|o'clock))? ?(a\\.?m\\.?|p\\.?m\\.?|in the (morning|afternoon|evening))|\\d{1,2}:\\d{2}|noon|midnight)(?!\\w)`,
  'gi'
)
const TIME_ONLY = new RegExp(`^(${TIME.source})$`, 'i')
// compromise tags "month" or "week" alone as dates; a date names a day.
const DATE_WORD =
  /\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b(today|tomorrow|yesterday|tonight|weekend)\b|\d/i
const NAME_NOISE = /\b(here|there|speaking|calling|please|thanks|thank|hi|hello|again)\b/gi
const NOT_NAMES = new Set(['agent', 'customer', 'caller', 'sir', 'madam', "ma'am"])

const titleCase = (s: string) => s.replace(/\b\p{L}/gu, (c) => c.toUpperCase())
const phoneFormat = (digits: string) =>
  digits.length === 7
    ? `${digits.slice(0, 3)}-${digits.slice(3)}`
    : digits.length === 10
      ? `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`
      : digits

/** Company names as agents say them in lowercase recogniser text ("thank you for calling acme telecom"). */
function greetedCompanies(lower: string): string[] {
  const re =
    /\b(?:thank you for calling|thanks for calling|welcome to|you'?ve reached|this is \w+ (?:from|at|with)|calling from) ((?:(?!how|my|this|i|you|can|speaking|and|please|is|we|calling|about|to|on)\w+ ?){1,3})/g
  return [...lower.matchAll(re)].map((m) => m[1].trim()).filter((c) => c.length > 1)
}

/**
 * People, organisations, dates and money through compromise; phone numbers, e-mails and times
 * through patterns, including their spoken forms ("five five five one two three four",
 * "john at example dot com"), since a recogniser writes them out as words.
 */
export function extractEntities(text: string): Entity[] {
  const out: Entity[] = []
  const seen = new Set<string>()
  const add = (type: EntityType, raw: string) => {
    const t = raw.replace(/^[\s.,;:!?]+|[\s.,;:!?]+$/g, '')
    const key = `${type}:${t.toLowerCase()}`
    if (!t || seen.has(key)) return
    seen.add(key)
    out.push({ type, text: t })
  }
  const lower = text === text.toLowerCase()
  const doc = nlp(text)
  for (const p of doc.people().out('array') as string[]) {
    const name = p.replace(NAME_NOISE, '').trim()
    if (name && !NOT_NAMES.has(name.toLowerCase())) add('person', lower ? titleCase(name) : name)
  }
  const orgs = [...(doc.organizations().out('array') as string[]), ...greetedCompanies(text.toLowerCase())]
  for (const o of orgs) add('organization', o === o.toLowerCase() ? titleCase(o) : o)
  for (const d of doc.match('#Date+').out('array') as string[]) {
    if (DATE_WORD.test(d) && !/^\d+$/.test(d.trim()) && !TIME_ONLY.test(d)) add('date', lower ? titleCase(d) : d)
  }
  for (const m of text.matchAll(TIME)) add('time', m[0])
  for (const m of doc.money().out('array') as string[]) add('money', m)
  for (const m of text.matchAll(WRITTEN_PHONE)) if (m[0].replace(/\D/g, '').length >= 7) add('phone', m[0])
  for (const m of text.matchAll(SPOKEN_DIGITS))
    add(
      'phone',
      phoneFormat(
        m[0]
          .toLowerCase()
          .split(/\s+/)
          .map((w) => DIGIT[w])
          .join('')
      )
    )
  for (const m of text.matchAll(EMAIL)) add('email', m[0])
  for (const m of text.matchAll(SPOKEN_EMAIL)) add('email', `${m[1].replace(/ dot /g, '.')}@${m[2].replace(/ dot /g, '.')}.${m[3]}`.toLowerCase())
  return out
}
