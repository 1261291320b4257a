import type { Analysis, AnalysisInput } from '../types.js'
import { classify, emotionsOf, isVoicemail, moodOf } from './classify.js'
import { extractEntities } from './entities.js'
import { insightsOf } from './insights.js'
import { assignRoles, voiceOfCustomer } from './roles.js'
import { summarize } from './summary.js'
import { sentencesOf } from './text.js'

export const BUILTIN_VERSION = 'builtin.v1'

/** Everything the builtin provider derives from one conversation, offline and deterministic. */
export function analyzeConversation(input: AnalysisInput): Analysis {
  const fullText = input.utterances.length ? input.utterances.map((u) => u.text).join('\n') : input.transcript
  const entities = extractEntities(fullText)
  // Names found by compromise are capitalised again when lowercase recogniser text is shown.
  const names = entities.filter((e) => e.type === 'person' || e.type === 'organization').map((e) => e.text)
  const all = sentencesOf(input, names)
  const voicemail = isVoicemail(all)
  const roles = assignRoles(all, voicemail)
  const customer = voiceOfCustomer(all, roles)
  const mood = moodOf(customer)
  const classification = classify(all, customer, mood, voicemail)
  return {
    summary: summarize(all, roles),
    tags: classification.tags,
    intent: classification.intent,
    mood,
    emotions: emotionsOf(customer),
    roles,
    insights: insightsOf({ all, customer, roles, classification, entities, durationSeconds: input.durationSeconds }),
    entities
  }
}

/** The offline politeness rewrite, what refine falls back to. */
export { refineText } from './refine.js'
