import { hasCue } from './cues.js'
import { contentWords, type Sentence } from './text.js'

const stem = (w: string) => w.replace(/(ing|ed|es|s)$/, '')
const ROLE_LABEL: Record<string, string> = { agent: 'Agent', customer: 'Customer', caller: 'Caller', recipient: 'Recipient' }

/**
 * Extractive summary: the 2-3 sentences whose content words recur most in the conversation, with a
 * bonus for the opening (where callers say why they call) and the close (where the outcome is), kept
 * in spoken order and labelled with the speaker's role. Pleasantries score nothing: they hold no
 * content words.
 */
export function summarize(sentences: Sentence[], roles: Record<string, string>): string {
  if (sentences.length === 0) return 'No speech was detected.'
  const freq = new Map<string, number>()
  const words = sentences.map((s) => contentWords(s.plain).map(stem))
  for (const ws of words) for (const w of new Set(ws)) freq.set(w, (freq.get(w) ?? 0) + 1)

  const isCustomer = (s: Sentence) => ['customer', 'caller'].includes(roles[s.speaker])
  // The customer's first real sentences say why they called.
  const opening = new Set(
    sentences
      .map((s, i) => (isCustomer(s) && words[i].length >= 2 ? i : -1))
      .filter((i) => i >= 0)
      .slice(0, 2)
  )
  const scored = sentences.map((s, i) => {
    const ws = words[i]
    if (ws.length < 2) return { i, score: 0 }
    const weight = ws.reduce((n, w) => n + (freq.get(w) ?? 0), 0) / Math.sqrt(ws.length)
    const position = opening.has(i) ? 1.5 : i < 3 ? 1.3 : i >= sentences.length - 3 ? 1.15 : 1
    const voice = isCustomer(s) ? 1.2 : 1
    // "Thank you for calling Acme, how can I help?" repeats the company name and says nothing.
    const ritual = hasCue('agentGreeting', s.plain) ? 0.3 : 1
    return { i, score: weight * position * voice * ritual }
  })
  const count = sentences.length <= 2 ? sentences.length : sentences.length <= 6 ? 2 : 3
  const picked = scored
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, count)
    .sort((a, b) => a.i - b.i)
  const chosen = picked.length ? picked.map((x) => sentences[x.i]) : sentences.slice(0, count)
  return chosen
    .map((s) => {
      const label = ROLE_LABEL[roles[s.speaker]]
      return label ? `${label}: ${s.display}` : s.display
    })
    .join(' ')
}
