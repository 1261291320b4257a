import type { DeepAnalysis } from '../../coach/analyse.js'
import { maskPii } from '../../coach/pii.js'
import type { FastSummary } from '../../coach/summary.js'
import { CRITERION_NAMES, type CoachWord } from '../../coach/types.js'

type SessionRow = { id: string; part: string; topic: string | null; status: string; createdAt: Date; startedAt: Date | null; endedAt: Date | null }
type TurnRow = {
  seq: number
  role: string
  part: number
  questionId: string | null
  text: string
  words: unknown
  startedAt: number | null
  endedAt: number | null
}
type AnalysisRow = {
  status: string
  result: unknown
  promptVersion: string
  promptChecksum: string
  timings: unknown
  error: string | null
  createdAt: Date
  completedAt: Date | null
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function sessionSummaryView(s: SessionRow & { _count?: { turns: number } }) {
  return {
    id: s.id,
    part: s.part,
    topic: s.topic,
    status: s.status,
    turns: s._count?.turns ?? 0,
    created_at: s.createdAt.toISOString(),
    ended_at: iso(s.endedAt)
  }
}

/** A session with its turns; transcripts leave the service with personal data masked. */
export function sessionView(s: SessionRow, turns: TurnRow[]) {
  const views = turns.map((t) => {
    const words = (t.words as CoachWord[] | null) ?? []
    return {
      seq: t.seq,
      role: t.role,
      part: t.part,
      question_id: t.questionId,
      text: maskPii(t.text),
      words: words.map((w) => ({ ...w, word: maskPii(w.word) })),
      duration_seconds: t.startedAt !== null && t.endedAt !== null ? Math.round((t.endedAt - t.startedAt) * 100) / 100 : null
    }
  })
  return {
    ...sessionSummaryView({ ...s, _count: { turns: turns.length } }),
    started_at: iso(s.startedAt),
    duration_seconds: s.startedAt && s.endedAt ? (s.endedAt.getTime() - s.startedAt.getTime()) / 1000 : null,
    speaking_seconds: Math.round(views.filter((t) => t.role === 'learner').reduce((sum, t) => sum + (t.duration_seconds ?? 0), 0) * 100) / 100,
    turns: views
  }
}

const PHASE: Record<string, 'queued' | 'processing' | 'completed' | 'failed'> = {
  queued: 'queued',
  processing: 'processing',
  completed: 'completed',
  failed: 'failed'
}

export function analysisView(s: SessionRow & { summary: unknown }, a: AnalysisRow | null) {
  const result = a?.status === 'completed' ? (a.result as DeepAnalysis & { feedback?: unknown }) : null
  const timings = (a?.timings ?? {}) as Record<string, number>
  return {
    session_id: s.id,
    session_status: s.status,
    phases: {
      summary: {
        status: s.summary ? ('completed' as const) : ('pending' as const),
        seconds: (s.summary as FastSummary | null)?.computed_ms !== undefined ? (s.summary as FastSummary).computed_ms! / 1000 : null
      },
      analysis: {
        status: a ? PHASE[a.status] : ('pending' as const),
        seconds: a?.completedAt ? (a.completedAt.getTime() - a.createdAt.getTime()) / 1000 : null,
        ...(a?.error && { error: a.error })
      }
    },
    summary: (s.summary as FastSummary | null) ?? null,
    analysis:
      result && a
        ? {
            overall: result.overall,
            criteria: result.criteria.map((c) => ({
              ...c,
              name: CRITERION_NAMES[c.criterion],
              evidence: c.evidence.map((e) => ({ ...e, quote: maskPii(e.quote) }))
            })),
            errors: result.errors.map((e) => ({ ...e, text: maskPii(e.text) })),
            pronunciation: result.pronunciation,
            features: result.features as unknown as Record<string, unknown>,
            ...(result.feedback !== undefined && { feedback: result.feedback }),
            prompt: { version: a.promptVersion, checksum: a.promptChecksum },
            timings,
            completed_at: a.completedAt!.toISOString()
          }
        : null
  }
}
