import { countCue, hasCue } from './cues.js'
import type { Sentence } from './text.js'

const CUSTOMER_SIGNS =
  /\b(i want|i'd like|i would like|i need|my (account|bill|order|phone|internet|card|subscription|plan)|i was charged|i called|i'm calling (about|because|to))\b/

/**
 * Role of each speaker. An agent gives themselves away by greeting with a company name or offering
 * help, and so does a colleague who joins; everyone else on such a call is a customer. Without an agent, the one who speaks first
 * answered the phone (recipient) and the other one placed the call (caller). A lone speaker leaving a
 * message is a caller, and so is everyone on a voicemail but its recorded greeting.
 */
export function assignRoles(sentences: Sentence[], voicemail: boolean): Record<string, string> {
  const speakers = [...new Set(sentences.map((s) => s.speaker).filter(Boolean))]
  if (speakers.length === 0) return {}
  if (speakers.length === 1) return { [speakers[0]]: voicemail ? 'caller' : 'speaker' }
  if (voicemail) {
    // A recorded greeting ("you've reached ... leave a message") followed by the person calling.
    const greeter = (sp: string) => sentences.some((s) => s.speaker === sp && hasCue('voicemail', s.plain))
    return Object.fromEntries(speakers.map((s) => [s, greeter(s) ? 'voicemail greeting' : 'caller']))
  }

  const score = (speaker: string) => {
    const mine = sentences.filter((s) => s.speaker === speaker)
    const agent = mine.reduce((n, s) => n + countCue('agentGreeting', s.plain), 0)
    const customer = mine.filter((s) => CUSTOMER_SIGNS.test(s.plain)).length
    return agent - customer / 2
  }
  const ranked = speakers.map((s) => ({ s, score: score(s) })).sort((a, b) => b.score - a.score)
  const anyGreeting = sentences.some((s) => hasCue('agentGreeting', s.plain))
  if (anyGreeting && ranked[0].score > 0) {
    // A colleague who joins ("this is monica from fraud prevention") is an agent too; the customer is whoever sounds least like one.
    const customer = ranked[ranked.length - 1].s
    return Object.fromEntries(speakers.map((s) => [s, s === ranked[0].s || (s !== customer && score(s) > 0) ? 'agent' : 'customer']))
  }
  return Object.fromEntries(speakers.map((s, i) => [s, i === 0 ? 'recipient' : 'caller']))
}

/** The speakers whose words tell what the call is about: customers and callers, else everyone. */
export function voiceOfCustomer(sentences: Sentence[], roles: Record<string, string>): Sentence[] {
  const theirs = sentences.filter((s) => ['customer', 'caller'].includes(roles[s.speaker]))
  return theirs.length ? theirs : sentences
}
