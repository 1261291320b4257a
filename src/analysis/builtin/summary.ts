import { hasCue, type Cue } from './cues.js'
import { listed, type Resolution } from './outcome.js'
import { APOLOGY, EMPATHY } from './politeness.js'
import { contentWords, type Sentence } from './text.js'

const stem = (w: string) => w.replace(/(ing|ed|es|s)$/, '')
const ROLE_LABEL: Record<string, string> = { agent: 'Agent', customer: 'Customer', caller: 'Caller', recipient: 'Recipient' }
// A sentence that says what the customer wants or what went wrong is the reason for the call.
const REASONS: Cue[] = ['cancel', 'complaint', 'grievance', 'support', 'purchase', 'inquiry']
const isCustomer = (roles: Record<string, string>, s: Sentence) => ['customer', 'caller'].includes(roles[s.speaker])

/** How much a sentence says: its content words, weighted by how often the conversation comes back to them. */
function scorer(sentences: Sentence[]) {
  const freq = new Map<string, number>()
  const words = sentences.map((s) => contentWords(s.plain).map(stem))
  for (const ws of words) for (const w of new Set(ws)) freq.set(w, (freq.get(w) ?? 0) + 1)
  return (i: number) => {
    const ws = words[i]
    if (ws.length < 2) return 0
    // "Thank you for calling Acme, how can I help?" repeats the company name and says nothing.
    const ritual = hasCue('agentGreeting', sentences[i].plain) ? 0.3 : 1
    return (ritual * ws.reduce((n, w) => n + (freq.get(w) ?? 0), 0)) / Math.sqrt(ws.length)
  }
}

const labelled = (roles: Record<string, string>, s: Sentence) => {
  const label = ROLE_LABEL[roles[s.speaker]]
  return label ? `${label}: ${s.display}` : s.display
}

/**
 * The call as a supervisor would retell it: why the customer called (their opening sentence that
 * says most), what the agent answered or did (the sentence carrying the outcome, else the agent's
 * most telling one; apologies and rituals say nothing about the call), and the outcome. Calls
 * without two sides (voicemail, one voice) get the 2-3 sentences whose content words recur most,
 * with the opening and the close favoured.
 */
export function summarize(sentences: Sentence[], roles: Record<string, string>, resolution: Resolution): string {
  if (sentences.length === 0) return 'No speech was detected.'
  const score = scorer(sentences)
  const indexed = sentences.map((s, i) => ({ s, i, score: score(i) }))
  const customer = indexed.filter((x) => isCustomer(roles, x.s) && x.score > 0)
  // Without a greeting that gives an agent away, whoever answered the phone speaks for the company.
  const agent = indexed.filter((x) => ['agent', 'recipient'].includes(roles[x.s.speaker]))
  const told = listed(resolution.phrases)
  const outcome = told && resolution.status !== 'none' ? `Outcome: ${told[0].toUpperCase()}${told.slice(1)}.` : undefined
  if (customer.length && agent.length) {
    // Callers say why they call early: the first half of their sentences, the first two favoured.
    const early = customer.slice(0, Math.max(2, Math.ceil(customer.length / 2)))
    const reason = early
      .map((x, k) => ({ ...x, score: x.score * (k === 0 ? 2 : k === 1 ? 1.5 : 1) * (REASONS.some((cue) => hasCue(cue, x.s.plain)) ? 2 : 1) }))
      .sort((a, b) => b.score - a.score)[0]
    const said = (x: (typeof agent)[number]) => x.score * (APOLOGY.test(x.s.plain) || EMPATHY.test(x.s.plain) ? 0.5 : 1)
    // "Booked." alone says less than the agent's sentence around it.
    const evidence = resolution.evidence && agent.find((x) => x.s === resolution.evidence && x.s.plain.split(' ').length >= 4)
    const reply =
      evidence ??
      agent
        .filter((x) => x.i > reason.i && x.score > 0)
        .sort((a, b) => said(b) - said(a))
        .at(0)
    if (!reply && !outcome) return extractive(sentences, indexed, roles)
    const picked = [reason, ...(reply ? [reply] : [])].sort((a, b) => a.i - b.i).map((x) => labelled(roles, x.s))
    return [...picked, ...(outcome ? [outcome] : [])].join(' ')
  }
  return extractive(sentences, indexed, roles, outcome)
}

function extractive(sentences: Sentence[], indexed: { s: Sentence; i: number; score: number }[], roles: Record<string, string>, outcome?: string): string {
  const count = sentences.length <= 2 ? sentences.length : sentences.length <= 6 ? 2 : 3
  const opening = new Set(
    indexed
      .filter((x) => isCustomer(roles, x.s) && x.score > 0)
      .slice(0, 2)
      .map((x) => x.i)
  )
  const picked = indexed
    .map((x) => {
      const position = opening.has(x.i) ? 1.5 : x.i < 3 ? 1.3 : x.i >= sentences.length - 3 ? 1.15 : 1
      return { ...x, score: x.score * position * (isCustomer(roles, x.s) ? 1.2 : 1) }
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, outcome ? Math.min(count, 2) : count)
    .sort((a, b) => a.i - b.i)
  const chosen = picked.length ? picked.map((x) => x.s) : sentences.slice(0, count)
  return [...chosen.map((s) => labelled(roles, s)), ...(outcome ? [outcome] : [])].join(' ')
}
