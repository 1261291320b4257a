/** Speaker turns with their labels: A/B/C naming and talk-time totals. */
import type { DiarizationResult, SpeakerTurn } from './types.js'

/** Names speakers 'A', 'B', ... by first appearance and totals their talk time. */
export function labelTurns(segments: { start: number; end: number; label: number }[]): DiarizationResult {
  const names = new Map<number, string>()
  const talk = new Map<string, number>()
  const turns: SpeakerTurn[] = segments.map((s) => {
    if (!names.has(s.label)) names.set(s.label, speakerLabel(names.size))
    const speaker = names.get(s.label) as string
    const turn = { speaker, start: round(s.start), end: round(s.end) }
    talk.set(speaker, (talk.get(speaker) ?? 0) + turn.end - turn.start)
    return turn
  })
  return { turns, speakers: [...talk].map(([label, t]) => ({ label, talkTime: round(t) })) }
}

/** 0 -> 'A', 25 -> 'Z', 26 -> 'AA', like spreadsheet columns. */
export function speakerLabel(i: number): string {
  let s = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000
}
