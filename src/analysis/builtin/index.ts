import type { Analysis, AnalysisInput } from '../types.js'
import { classify, emotionsOf, isVoicemail, moodOf } from './classify.js'
import { extractEntities } from './entities.js'
import { insightsOf } from './insights.js'
import type { Resolution } from './outcome.js'
import { assignRoles, voiceOfCustomer } from './roles.js'
import { summarize } from './summary.js'
import { sentencesOf } from './text.js'

export const BUILTIN_VERSION = 'builtin.v2'

/** Everything the builtin provider derives from one conversation, offline and deterministic. */
export function analyzeConversation(input: AnalysisInput): Analysis {
  return readCall(input).analysis
}

/** The analysis and what the call achieved (booked, credited, escalated, ...), which the analysis tells in words. */
export function readCall(input: AnalysisInput): { analysis: Analysis; resolution: Resolution } {
  const fullText = input.utterances.length ? input.utterances.map((u) => u.text).join('\n') : input.transcript
  const entities = extractEntities(fullText)
  // Names found by compromise are capitalised again when lowercase recogniser text is shown.
  const names = entities.filter((e) => e.type === 'person' || e.type === 'organization').map((e) => e.text)
  const all = sentencesOf(input, names)
  const voicemail = isVoicemail(all)
  const roles = assignRoles(all, voicemail)
  const customer = voiceOfCustomer(all, roles)
  const mood = moodOf(customer)
  const classification = classify(all, customer, roles, mood, voicemail)
  const analysis: Analysis = {
    summary: summarize(all, roles, classification.resolution),
    tags: classification.tags,
    intent: classification.intent,
    mood,
    emotions: emotionsOf(customer),
    roles,
    insights: insightsOf({ all, customer, roles, classification, entities, durationSeconds: input.durationSeconds }),
    entities
  }
  return { analysis, resolution: classification.resolution }
}

/** The offline politeness rewrite, what refine falls back to. */
export { refineText } from './refine.js'
export { OUTCOMES, type Outcome, type Resolution, type ResolutionStatus } from './outcome.js'
