/** Window labels to speaker turns: smoothing, boundaries, gap filling and A/B/C naming. */
import type { DiarizationResult, SpeakerTurn } from './types.js'
import type { WindowEmbedding } from './embed.js'
import type { SpeechRegion } from '../audio/vad.js'

// Pauses shorter than this inside one speaker's talk (commas, breaths) stay inside the turn.
const FILL_GAP = 1.0

export function buildTurns(regions: SpeechRegion[], windows: WindowEmbedding[], labels: Int32Array): DiarizationResult {
  const raw: { start: number; end: number; label: number }[] = []
  for (let r = 0; r < regions.length; r++) {
    const idx = windows.flatMap((w, i) => (w.segment === r ? [i] : []))
    if (idx.length === 0) continue
    const smoothed = medianOfThree(idx.map((i) => labels[i]))
    // Overlapping windows share their overlap: the boundary between two is the midpoint of their centres.
    idx.forEach((wi, k) => {
      const centre = (w: WindowEmbedding) => (w.start + w.end) / 2
      const start = k === 0 ? regions[r].start : (centre(windows[idx[k - 1]]) + centre(windows[wi])) / 2
      const end = k === idx.length - 1 ? regions[r].end : (centre(windows[wi]) + centre(windows[idx[k + 1]])) / 2
      raw.push({ start, end, label: smoothed[k] })
    })
  }

  const merged: typeof raw = []
  for (const seg of raw) {
    const last = merged.at(-1)
    if (last && last.label === seg.label && seg.start - last.end <= FILL_GAP) last.end = seg.end
    else merged.push({ ...seg })
  }
  return labelTurns(merged)
}

/**
 * A single window voting against both neighbours is more often a noisy estimate than a real one-second
 * interjection inside someone else's sentence; runs at the ends of a region are left alone.
 */
function medianOfThree(labels: number[]): number[] {
  return labels.map((l, i) => (i > 0 && i < labels.length - 1 && labels[i - 1] === labels[i + 1] ? labels[i - 1] : l))
}

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
