import { Writable } from 'node:stream'

/** A stream for the app's logger that keeps every JSON line it writes. */
export function captureLogs() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    }
  })
  return {
    stream,
    lines,
    text: () => lines.join('\n'),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown> & { level: number; msg: string })
  }
}
