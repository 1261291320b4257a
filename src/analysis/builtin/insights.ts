import type { Entity } from '../types.js'
import type { Classification } from './classify.js'
import { polarity } from './classify.js'
import { hasCue } from './cues.js'
import { listed } from './outcome.js'
import { APOLOGY, EMPATHY } from './politeness.js'
import type { Sentence } from './text.js'

export interface InsightContext {
  all: Sentence[]
  customer: Sentence[]
  roles: Record<string, string>
  classification: Classification
  entities: Entity[]
  durationSeconds: number
}

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`)
const who = (ctx: InsightContext) => (Object.values(ctx.roles).includes('customer') ? 'The customer' : 'The caller')
const first = (ctx: InsightContext, type: Entity['type']) => ctx.entities.find((e) => e.type === type)?.text
const duration = (s: number) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`)
const PRODUCT = /\b((?:the |a |an )?(?:\w+ )?(?:plan|package|subscription|bundle|membership|license|licence))\b/

/** Facts a supervisor would want, most specific first; each rule returns nothing when it does not apply. */
const RULES: Array<(ctx: InsightContext) => string | undefined> = [
  (ctx) => {
    const target = ctx.all
      .map((s) => /\b(?:is this|looking for|speak (?:to|with)|trying to reach) (?!(?:the|a|an|my|your)\b)(\w+)/.exec(s.plain)?.[1])
      .find(Boolean)
    return ctx.classification.wrongNumber && target ? `The caller was trying to reach ${target[0].toUpperCase()}${target.slice(1)}.` : undefined
  },
  (ctx) => {
    if (!ctx.all.some((s) => hasCue('callbackRequest', s.plain))) return undefined
    const phone = first(ctx, 'phone')
    return `${who(ctx)} asked to be called back${phone ? ` at ${phone}` : ''}.`
  },
  (ctx) => {
    const { resolution, intent } = ctx.classification
    if (resolution.status === 'unresolved')
      return intent === 'cancel' ? 'The cancellation was not confirmed during the call.' : 'Call ended without resolution.'
    // A sale has its own, more specific insight.
    const phrases = resolution.phrases.filter((_, i) => resolution.outcomes[i] !== 'sold')
    if (phrases.length === 0 || resolution.status === 'none') return undefined
    return `${resolution.status === 'resolved' ? 'Resolved on the call' : 'Not resolved yet'}: ${listed(phrases)}.`
  },
  (ctx) => {
    if (!ctx.classification.tags.includes('sale')) return undefined
    const product = ctx.customer.map((s) => PRODUCT.exec(s.plain)?.[1]).find(Boolean)
    const price = first(ctx, 'money')
    return `${who(ctx)} agreed to buy${product ? ` ${product.replace(/^(a|an) /, 'the ')}` : ''}${price ? ` (${price} mentioned)` : ''}.`
  },
  (ctx) => (ctx.customer.some((s) => hasCue('cancel', s.plain)) ? `${who(ctx)} asked to cancel.` : undefined),
  (ctx) => {
    const n = ctx.customer.filter((s) => hasCue('pricing', s.plain)).length
    return n > 0 ? `${who(ctx)} asked about pricing ${times(n)}.` : undefined
  },
  (ctx) => (ctx.customer.some((s) => hasCue('escalation', s.plain)) ? `${who(ctx)} asked for a manager.` : undefined),
  (ctx) => (ctx.customer.some((s) => hasCue('repeatContact', s.plain)) ? `${who(ctx)} had already contacted the company about this.` : undefined),
  (ctx) => (ctx.customer.some((s) => hasCue('hold', s.plain)) ? `${who(ctx)} mentioned a long wait.` : undefined),
  (ctx) => {
    const scores = ctx.customer.map(polarity)
    const half = Math.ceil(scores.length / 2)
    if (scores.length < 4) return undefined
    const early = scores.slice(0, half).reduce((a, b) => a + b, 0)
    const late = scores.slice(half).reduce((a, b) => a + b, 0)
    if (early < -2 && late > 1) return `${who(ctx)}'s mood improved by the end of the call.`
    if (early > 1 && late < -2) return `${who(ctx)}'s mood worsened during the call.`
    return undefined
  },
  (ctx) => {
    const agent = ctx.all.filter((s) => ctx.roles[s.speaker] === 'agent')
    const apologised = agent.some((s) => APOLOGY.test(s.plain))
    const empathised = agent.some((s) => EMPATHY.test(s.plain))
    if (!apologised && !empathised) return undefined
    return `The agent ${apologised && empathised ? 'apologised and acknowledged how the customer felt' : apologised ? 'apologised' : 'acknowledged how the customer felt'}.`
  },
  (ctx) => {
    const talk = (role: string) => ctx.all.filter((s) => ctx.roles[s.speaker] === role).reduce((t, s) => t + (s.end - s.start), 0)
    const agent = talk('agent'),
      customer = talk('customer')
    if (agent + customer === 0) return undefined
    return `The customer spoke for ${Math.round((100 * customer) / (agent + customer))}% of the conversation.`
  },
  (ctx) => {
    const n = ctx.customer.filter((s) => s.display.endsWith('?')).length
    return n > 0 ? `${who(ctx)} asked ${n === 1 ? 'one question' : `${n} questions`}.` : undefined
  },
  (ctx) => {
    const speakers = new Set(ctx.all.map((s) => s.speaker).filter(Boolean)).size
    return `The conversation lasted ${duration(ctx.durationSeconds)}${speakers ? ` with ${speakers} speaker${speakers > 1 ? 's' : ''}` : ''}.`
  }
]

/** Two or three insights: the most specific that apply, padded with talk-time facts. */
export function insightsOf(ctx: InsightContext): string[] {
  const found: string[] = []
  for (const rule of RULES) {
    const insight = rule(ctx)
    if (insight) found.push(insight)
    if (found.length === 3) break
  }
  return found
}
