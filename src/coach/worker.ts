/**
 * The coach's CPU work off the event loop: the grammar checker (WebAssembly, tens of ms a sentence)
 * and PDF rendering. Run by the pool the coach plugin creates; the checker is set up once per thread.
 */
import { analyseAnswers, type DeepAnalysis } from './analyse.js'
import { createHarperChecker } from './grammar.js'
import { renderReport, type ReportInput } from './report.js'
import type { LearnerAnswer } from './types.js'

export type CoachTask = { kind: 'analyse'; answers: LearnerAnswer[]; firstLanguage?: string | null } | { kind: 'report'; input: ReportInput }

const checker = createHarperChecker()

export default async function run(task: CoachTask): Promise<DeepAnalysis | Uint8Array> {
  if (task.kind === 'analyse') return analyseAnswers(task.answers, checker, task.firstLanguage)
  return new Uint8Array(await renderReport(task.input))
}
