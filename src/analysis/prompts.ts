import { readFileSync } from 'node:fs'
import type { AnalysisInput } from './types.js'
import { AnalysisSchema } from './schema.js'

// prompts/ sits at the repository root, two levels above both src/analysis and dist/analysis.
const read = (file: string) => readFileSync(new URL(`../../prompts/${file}`, import.meta.url), 'utf8').trim()

/** Bump the file name and this version together: the version is part of every cache key. */
export const ANALYSIS_PROMPT_VERSION = 'analysis.v2'
export const REFINE_PROMPT_VERSION = 'refine.v1'

// Read once at load: a missing prompt file should stop the process at boot, not fail the first request.
export const ANALYSIS_PROMPT = read(`${ANALYSIS_PROMPT_VERSION}.md`).replace('{{schema}}', JSON.stringify(AnalysisSchema, null, 2))
export const REFINE_PROMPT = read(`${REFINE_PROMPT_VERSION}.md`)

const clock = (s: number) => s.toFixed(1)

/** The conversation as the prompt describes it: one `[start-end s] SPEAKER: text` line per turn. */
export function conversationMessage(input: AnalysisInput): string {
  const lines = input.utterances.length
    ? input.utterances.map((u) => `[${clock(u.start)}-${clock(u.end)} s] ${u.speaker}: ${u.text.trim()}`)
    : [`[0.0-${clock(input.durationSeconds)} s] UNKNOWN: ${input.transcript.trim()}`]
  const meta = [`Duration: ${clock(input.durationSeconds)} s`, input.language ? `Language: ${input.language}` : undefined]
  return `${meta.filter(Boolean).join('\n')}\n\nTranscript:\n${lines.join('\n')}`
}
