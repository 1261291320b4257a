/** Polls `get` until `done` holds or `ms` pass; returns the last value either way, for the assertion to judge. */
export async function waitFor<T>(get: () => Promise<T> | T, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = await get()
    if (done(v) || Date.now() > until) return v
    await new Promise((r) => setTimeout(r, 25))
  }
}
