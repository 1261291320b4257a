/**
 * A single-consumer queue exposed as an async iterable: the session pushes, one protocol adapter
 * reads with `for await`. Events are small and arrive at the pace of the audio, so the queue only
 * grows while its reader is slower than the audio, and the session's limits bound that.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = []
  private waiting: ((r: IteratorResult<T>) => void) | undefined
  private ended = false
  private taken = false

  push(item: T): void {
    if (this.ended) return
    const waiting = this.waiting
    if (waiting) {
      this.waiting = undefined
      waiting({ value: item, done: false })
    } else this.items.push(item)
  }

  end(): void {
    this.ended = true
    const waiting = this.waiting
    this.waiting = undefined
    waiting?.({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.taken) throw new Error('a stream has one reader: iterate its events once')
    this.taken = true
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false })
        if (this.ended) return Promise.resolve({ value: undefined, done: true })
        return new Promise((resolve) => (this.waiting = resolve))
      },
      // A reader that stops early wants no more events: later pushes are dropped, not queued.
      return: () => {
        this.ended = true
        this.items.length = 0
        return Promise.resolve({ value: undefined, done: true })
      }
    }
  }
}
