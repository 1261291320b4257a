/**
 * Maps a stage's own progress (0 to 1) into its band [from, to] of a call record's progress. Writes
 * are throttled, at most one a second unless progress moved `points` or more, so a recording cut into
 * hundreds of utterances does not turn into hundreds of database writes.
 */
export function stageProgress(write: (percent: number) => Promise<void>, from: number, to: number, opts: { everyMs?: number; points?: number } = {}) {
  const everyMs = opts.everyMs ?? 1000
  const points = opts.points ?? 5
  let last = from
  let lastAt = performance.now()
  let writing: Promise<void> = Promise.resolve()
  return {
    update(done: number): void {
      const percent = Math.floor(from + (to - from) * Math.min(1, Math.max(0, done)))
      // `to` belongs to the caller, written with the stage's results.
      if (percent <= last || percent >= to) return
      if (percent - last < points && performance.now() - lastAt < everyMs) return
      last = percent
      lastAt = performance.now()
      // One write at a time and in order; a failed progress write must not fail the call.
      writing = writing.then(() => write(percent)).catch(() => undefined)
    },
    /** Resolves once writes in flight have landed, so none overwrites what the caller writes next. */
    settled: () => writing
  }
}
