import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

// prompts/ sits at the repository root, two levels above both src/coach and dist/coach.
const read = (file: string) => readFileSync(new URL(`../../prompts/${file}`, import.meta.url), 'utf8')

/**
 * The prompt behind the coach's written feedback. Every analysis stores this version and the file's
 * checksum; PROMPT_CHECKSUMS pins the checksum of each published version, and a test fails when a
 * prompt file changes under an old version: edit a copy named with the next version instead.
 */
export const FEEDBACK_PROMPT_VERSION = 'coach-feedback.v1'

export const PROMPT_CHECKSUMS: Record<string, string> = {
  'coach-feedback.v1': 'a396e9653c992a867248f79d63afd145d107d8e210fc591cf73be0f1c49abdff',
  'coach-followup.v1': 'ebb336c287a4c2d2341fc54fe9bd086122bce29c22ec7143fcb3b0b282b73683'
}

export const promptChecksum = (text: string) => createHash('sha256').update(text).digest('hex')

export const FEEDBACK_PROMPT_TEXT = read(`${FEEDBACK_PROMPT_VERSION}.md`)
export const FEEDBACK_PROMPT_CHECKSUM = promptChecksum(FEEDBACK_PROMPT_TEXT)

/** The prompt behind the examiner's live follow-up questions; its version and checksum go with every outcome logged. */
export const FOLLOWUP_PROMPT_VERSION = 'coach-followup.v1'
export const FOLLOWUP_PROMPT_TEXT = read(`${FOLLOWUP_PROMPT_VERSION}.md`)
export const FOLLOWUP_PROMPT_CHECKSUM = promptChecksum(FOLLOWUP_PROMPT_TEXT)
