import { Type, type Static } from 'typebox'
import type { ChatClient } from '../chat/client.js'
import type { DeepAnalysis } from './analyse.js'
import { toHalfBand } from './bands.js'
import { maskPii } from './pii.js'
import { FEEDBACK_PROMPT_TEXT } from './prompts.js'
import { CRITERIA, type LearnerAnswer, type LearnerError } from './types.js'

const CriterionEnum = Type.Union(CRITERIA.map((c) => Type.Literal(c)))

export const FeedbackSchema = Type.Object(
  {
    comments: Type.Object(Object.fromEntries(CRITERIA.map((c) => [c, Type.String()])) as Record<(typeof CRITERIA)[number], ReturnType<typeof Type.String>>),
    adjustments: Type.Array(Type.Object({ criterion: CriterionEnum, delta: Type.Number(), reason: Type.String() })),
    complex_errors: Type.Array(Type.Object({ text: Type.String(), correction: Type.String(), explanation: Type.String() }))
  },
  { additionalProperties: false }
)
export type Feedback = Static<typeof FeedbackSchema>

/**
 * Written comments from the configured chat model, which may move a band by half a band at most, with
 * its reason kept beside the band. Everything it is sent is PII-masked.
 */
export async function writeFeedback(chat: ChatClient, answers: LearnerAnswer[], analysis: DeepAnalysis): Promise<Feedback> {
  const system = FEEDBACK_PROMPT_TEXT.replace('{{schema}}', JSON.stringify(FeedbackSchema))
  const transcript = answers.map((a) => `Answer ${a.seq} (Part ${a.part}): ${maskPii(a.text)}`).join('\n')
  const measured = analysis.criteria.map((c) => `${c.criterion}: band ${c.band} from ${c.measures.map((m) => `${m.feature}=${m.value}`).join(', ')}`).join('\n')
  const feedback = await chat.completeJson(
    [
      { role: 'system', content: system },
      { role: 'user', content: `${transcript}\n\nMeasured bands:\n${measured}` }
    ],
    FeedbackSchema,
    { schemaInPrompt: true, temperature: 0.2 }
  )
  return { ...feedback, adjustments: feedback.adjustments.filter((a) => a.delta !== 0) }
}

/** Applies the model's adjustments, each clamped to half a band, and adds its errors as `llm` errors. */
export function applyFeedback(analysis: DeepAnalysis, feedback: Feedback, answers: LearnerAnswer[]): DeepAnalysis {
  const criteria = analysis.criteria.map((c) => {
    const adj = feedback.adjustments.find((a) => a.criterion === c.criterion)
    if (!adj) return c
    const delta = Math.max(-0.5, Math.min(0.5, adj.delta))
    return { ...c, band: toHalfBand(c.band + delta), adjustment: { from: c.band, delta, reason: adj.reason } }
  })
  const llmErrors: LearnerError[] = feedback.complex_errors.flatMap((e) => {
    const a = answers.find((x) => x.text.toLowerCase().includes(e.text.toLowerCase()))
    return a
      ? [
          {
            type: 'grammar' as const,
            text: e.text,
            correction: e.correction,
            explanation: e.explanation,
            start: a.words[0]?.start ?? 0,
            end: a.words.at(-1)?.end ?? 0,
            source: 'llm' as const,
            confidence: 1,
            seq: a.seq
          }
        ]
      : []
  })
  const overall = Math.round((criteria.reduce((s, c) => s + c.band, 0) / criteria.length) * 2) / 2
  return { ...analysis, criteria, overall, errors: [...analysis.errors, ...llmErrors] }
}
