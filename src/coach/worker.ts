/**
 * The coach's CPU work off the event loop: the grammar checker (WebAssembly, tens of ms a sentence),
 * pronunciation assessment (PocketSphinx alignment, about real time) and PDF rendering. Run by the pool
 * the coach plugin creates; the checker is set up once per thread, the scoring decoder on first use.
 */
import { analyseAnswers, type DeepAnalysis } from './analyse.js'
import { createHarperChecker } from './grammar.js'
import { assessAnswer, scoringEngine, type AnswerAudio } from './pronunciation/session.js'
import { renderReport, type ReportInput } from './report.js'
import type { LearnerAnswer } from './types.js'

export type CoachTask =
  | {
      kind: 'analyse'
      answers: LearnerAnswer[]
      firstLanguage?: string | null
      /** each learner answer's recording (or why there is none), for pronunciation */
      audio?: AnswerAudio[]
      /** PocketSphinx model directory (Debian layout) */
      modelDir?: string
    }
  | { kind: 'report'; input: ReportInput }

const checker = createHarperChecker()

export default async function run(task: CoachTask): Promise<DeepAnalysis | Uint8Array> {
  if (task.kind === 'analyse') {
    const { audio } = task
    const assess = audio && (() => audio.map((a) => assessAnswer(a.wav ? scoringEngine(task.modelDir) : new Error('no audio'), a)))
    return analyseAnswers(task.answers, checker, task.firstLanguage, assess)
  }
  return new Uint8Array(await renderReport(task.input))
}
