import type { Intent } from '../types.js'
import type { Sentence } from './text.js'

/** What a call achieved, as a supervisor would file it. A call can end with several (booked and credited). */
export const OUTCOMES = ['fixed', 'booked', 'credited', 'refunded', 'cancelled', 'sold', 'answered', 'escalated', 'follow-up', 'unresolved'] as const
export type Outcome = (typeof OUTCOMES)[number]
/** resolved: something was done on the call; pending: handed on or promised; none: nothing was asked (wrong number, voicemail). */
export type ResolutionStatus = 'resolved' | 'pending' | 'unresolved' | 'none'

export interface Resolution {
  outcomes: Outcome[]
  status: ResolutionStatus
  /** one short phrase per outcome ("technician visit booked for tomorrow"), in OUTCOMES order */
  phrases: string[]
  /** the sentence that shows the main outcome, for the summary */
  evidence?: Sentence
}

/** Joins phrases as a sentence would: a, b and c. */
export const listed = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}` : (xs[0] ?? ''))

const DONE: Outcome[] = ['fixed', 'booked', 'credited', 'refunded', 'cancelled', 'sold', 'answered']
const REQUESTS: Intent[] = ['support', 'complaint', 'cancel']

// Commitments the company side makes; matched on plainText sentences, so "re fund" and "build" (bill) are recogniser spellings.
const COMMITTED: Record<Exclude<Outcome, 'fixed' | 'answered' | 'unresolved'>, RegExp[]> = {
  booked: [
    /\b(you'?re|you are|i'?ve|i have|we'?ve|we have|it'?s|all|now) (all )?(booked|scheduled|moved to|set for)\b/,
    /\b(booked|scheduled) (you|it|the|a|an|your|for)\b/,
    /\b(got|put) you down for\b/,
    /^booked\b/,
    /\b(i'?ll|i will|we'?ll|we will) send (our|a|an|the) (\w+ )?(technician|engineer|plumber|electrician|installer|someone)\b/,
    /\b(technician|engineer|estimator|installer|plumber) (can|will) (come|be there|visit|arrive|stop)\b/
  ],
  credited: [
    /\bcredited\b/,
    /\b(i'?ve|i have|we'?ve|we have)( also| just)? (put|applied|added|issued|given you|left)\b[^.]{0,40}\bcredit\b/,
    /\b(i'?ve|i have|we'?ve|we have)( also| just)? (taken|knocked|removed|waived|reversed)\b[^.]{0,40}\b(off|fee|charge)\b/,
    /\b(added|given you|put) (a|an) [\w ]{0,25}(voucher|coupon)\b/
  ],
  refunded: [
    /\b(i'?ve|i have|we'?ve|we have)( also| just)? (issued|processed|put through|sent)\b[^.]{0,30}\bre ?fund\b/,
    /\b(i'?ve|i have|we'?ve|we have)( also| just)? (re ?funded)\b/,
    /\brefunded (the|your|it|all)\b/,
    /\b(i'?ll|i will|we'?ll|we will) (process|issue|send) (a|the|your|you a) (full )?re ?fund\b/,
    /\bback on your (card|account)\b/
  ],
  cancelled: [
    /\b(i'?ve|i have|we'?ve|we have|has been|is now|it'?s been|it'?s now)( now| just)? (cancell?ed|closed|terminated)\b/,
    /\byou won'?t be (billed|charged) again\b/,
    /\b(i'?ll|i will) (process the cancellation|cancel it|cancel your|close your)\b/
  ],
  sold: [
    /\b(order|purchase|subscription|payment|upgrade|plan|account|membership) (is|has been) (now )?(confirmed|placed|complete|completed|processed|active|live)\b/,
    /\b(switched|upgraded|signed) you (over|up|to)\b/,
    /\bapplied the new (rate|plan|price)\b/,
    /\byour (confirmation|order) number\b/,
    /\bwelcome aboard\b/
  ],
  escalated: [
    /\bescalat(e|ed|ing)\b/,
    /\btransfer(ring)? you (to|through|over)\b/,
    /\b(pass|passed|passing|forward|forwarded|hand|handed|send|sent) (this|it|your \w+) (on |over )?to (the|our|my|a) [\w ]{0,25}(team|department|supervisor|manager|engineers?|specialists?)\b/,
    /\bhave (my|a|our) (supervisor|manager) call\b/,
    /\b(created|opened|raised|logged|filed) (a|an) [\w ]{0,20}(ticket|case|complaint)\b/
  ],
  'follow-up': [
    /\b(i'?ll|i will|we'?ll|we will|they'?ll|they will|someone will|he'?ll|she'?ll|(supervisor|manager|team) will) (call|contact|reach out|get back|update|follow up|text)\b/,
    /\b(i'?ll|i will|we'?ll|we will) (email|send) you (the|a) (quote|details|update)\b/,
    /\byou'?ll (hear|get a call|receive a call|get an update)\b/,
    /\bhave (my|a|our) \w+ call you\b/
  ]
}
// A customer agreeing to an offer closes a sale as surely as the agent's confirmation does.
const ACCEPTED = /\b(let'?s do it|let'?s go ahead|go ahead with|i'?ll take (it|the|that|one)|sign me up|i'?ll stay)\b/
const FIXED = [
  /\b(works|working) (now|again|fine)\b/,
  /\b(that|it|this) (fixed|solved) it\b/,
  /\bglad (that|it) (fixed|worked|helped)\b/,
  /\b(problem|issue) (is |has been )?(solved|resolved|fixed|sorted)\b/,
  /\b(channels|internet|service|connection|signal|power|wifi|it) (are|is|'s) (all )?back\b/,
  /^(okay |ok )?(done )?i'?m in\b/
]
// "i can't cancel it", "if you find it we'll cancel it": no commitment.
const NEGATED = /\b(can'?t|cannot|can not|unable|won'?t|not|don'?t|couldn'?t|never)\b/
const BOOKABLE = /\b(book|booking|reservation|reserve|appointment)\b/

function committed(s: Sentence, re: RegExp): boolean {
  const m = re.exec(s.plain)
  if (!m) return false
  const before = s.plain.slice(0, m.index).trim()
  return !/\bif\b/.test(before) && !NEGATED.test(before.split(' ').slice(-4).join(' '))
}

const AMOUNT =
  /\b(\$\s?\d[\d,.]*|(?:\d+|(?:(?:one|two|three|four|five|six|seven|eight|nine|a) hundred )?(?:ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?: (?:one|two|three|four|five|six|seven|eight|nine))?) dollars?)\b/
const WHEN =
  /\b(today|tonight|tomorrow(?: morning| afternoon)?|this (?:morning|afternoon|evening)|(?:next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|within (?:\w+ ){1,2}(?:hours|days|business days))\b/
const cap = (w: string) => w.replace(/\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/, (d) => d[0].toUpperCase() + d.slice(1))

/** The amount said nearest to `near` ("a full refund of eighty four dollars and a ten dollar voucher"). */
function amountNear(text: string, near: RegExp): string | undefined {
  const at = near.exec(text)?.index ?? 0
  const found = [...text.matchAll(new RegExp(AMOUNT.source, 'g'))].sort((a, b) => Math.abs(a.index - at) - Math.abs(b.index - at))[0]?.[1]
  return found?.replace(/ dollar$/, ' dollars')
}

function describe(o: Outcome, s: Sentence | undefined, all: Sentence[]): string {
  const text = s?.plain ?? ''
  const when = WHEN.exec(text)?.[1]
  const wordIn = (re: RegExp) => all.map((x) => re.exec(x.plain)?.[1]).find(Boolean)
  switch (o) {
    case 'booked': {
      const visit = /\b(technician|engineer|plumber|electrician|installer|estimator)\b/.exec(text)?.[1] ?? wordIn(/\b(technician|engineer|estimator)\b/)
      const what = visit
        ? `${visit} visit`
        : /test drive/.test(text) || wordIn(/\b(test drive)\b/)
          ? 'test drive'
          : wordIn(/\b(room|reservation)\b/)
            ? 'reservation'
            : 'appointment'
      return `${what} booked${when ? ` for ${cap(when)}` : ''}`
    }
    case 'credited':
      return `${amountNear(text, /\b(credit|voucher|coupon|off)\b/) ?? 'a credit'} credited to the ${/\b(bill|build|statement)\b/.test(text) ? 'bill' : 'account'}`
    case 'refunded': {
      const amount = amountNear(text, /\bre ?fund/)
      return amount ? `${amount} refunded` : 'payment refunded'
    }
    case 'fixed':
      return 'problem fixed during the call'
    case 'cancelled':
      return `${wordIn(/\b(membership|subscription|contract|account|service|plan)\b/) ?? 'service'} cancelled`
    case 'sold': {
      const product = wordIn(/\b((?:the |a )?\w+ (?:plan|package|subscription|bundle|membership))\b/)
      return `sale closed${product ? ` (${product.replace(/^a /, 'the ')})` : ''}`
    }
    case 'answered':
      return "the customer's questions answered"
    case 'escalated': {
      const to = /\b((?:\w+ )?(?:team|department|supervisor|manager|engineers))\b/.exec(text.replace(/^.*?\b(to|with|my|our)\b /, ''))?.[1]
      return `escalated${to ? ` to the ${to.replace(/^(the|our|my|a) /, '')}` : ''}`
    }
    case 'follow-up':
      return `follow-up promised${when ? ` ${/^within/.test(when) ? '' : 'for '}${cap(when)}` : ''}`
    case 'unresolved':
      return 'no resolution during the call'
  }
}

/**
 * What the call achieved, read from the whole conversation: commitments the company side made
 * ("you're booked", "i've put a credit on your bill", "i'll escalate this"), fixes either side
 * confirmed ("it works now"), a customer accepting an offer. Negated and conditional commitments
 * ("i can't cancel it", "if you find it we'll cancel it") do not count. A request with none of
 * these ended unresolved; an information call whose questions got answers is answered.
 */
export function resolutionOf(all: Sentence[], roles: Record<string, string>, intent: Intent, voicemail: boolean): Resolution {
  if (voicemail || all.length === 0) return { outcomes: [], status: 'none', phrases: [] }
  const isCustomer = (s: Sentence) => ['customer', 'caller'].includes(roles[s.speaker])
  const company = all.filter((s) => !isCustomer(s) && !s.display.endsWith('?'))
  const evidence = new Map<Outcome, Sentence>()
  for (const [outcome, patterns] of Object.entries(COMMITTED) as [Outcome, RegExp[]][]) {
    const s = company.find((x) => patterns.some((re) => committed(x, re)))
    if (s) evidence.set(outcome, s)
  }
  const fixed = all.find((s) => FIXED.some((re) => committed(s, re)))
  if (fixed && ['support', 'complaint'].includes(intent)) evidence.set('fixed', fixed)
  const accepted = all.find((s) => isCustomer(s) && ACCEPTED.test(s.plain))
  if (accepted && !evidence.has('sold') && ['purchase', 'cancel'].includes(intent)) evidence.set('sold', accepted)
  // "You're all set, your confirmation number is ..." after someone asked to book.
  if (evidence.has('sold') && !evidence.has('booked') && all.some((s) => BOOKABLE.test(s.plain))) evidence.set('booked', evidence.get('sold')!)
  if (evidence.has('sold') && intent !== 'purchase' && intent !== 'cancel') evidence.delete('sold')
  if (intent === 'information' && evidence.size === 0 && all.some((s) => !isCustomer(s))) evidence.set('answered', all[all.length - 1])
  if (evidence.size === 0 && REQUESTS.includes(intent)) evidence.set('unresolved', all[all.length - 1])

  const outcomes = OUTCOMES.filter((o) => evidence.has(o))
  const status: ResolutionStatus = outcomes.some((o) => DONE.includes(o))
    ? 'resolved'
    : outcomes.length === 0
      ? 'none'
      : outcomes.includes('unresolved')
        ? 'unresolved'
        : 'pending'
  const main = outcomes.find((o) => DONE.includes(o)) ?? outcomes[0]
  return {
    outcomes,
    status,
    phrases: outcomes.map((o) => describe(o, evidence.get(o), all)),
    evidence: main && main !== 'unresolved' && main !== 'answered' ? evidence.get(main) : undefined
  }
}
