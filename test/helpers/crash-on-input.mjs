// Preloaded into a server or worker process by tests: a line on stdin makes it throw an uncaught
// error, the way a bug in a callback outside any request or job would. (Signals are taken: close-with-grace
// shuts down on SIGUSR2 and the rest.)
process.stdin.once('data', () => {
  setImmediate(() => {
    throw new Error('crash on purpose')
  })
})
process.stdin.unref()
