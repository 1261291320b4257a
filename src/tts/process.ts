import { spawn } from 'node:child_process'

export interface RunOptions {
  stdin?: Uint8Array | string
  signal: AbortSignal
  /** for messages: what to install when the binary is missing */
  installHint: string
}

const STDERR_LIMIT = 16 * 1024

/**
 * Runs a program off the event loop and collects its stdout. The signal kills it (SIGKILL: speech
 * programs hold no state worth a graceful exit) and the promise then rejects with the signal's reason.
 */
export function runProgram(command: string, args: string[], opts: RunOptions): Promise<Buffer> {
  opts.signal.throwIfAborted()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let stderr = ''
    const onAbort = () => child.kill('SIGKILL')
    opts.signal.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < STDERR_LIMIT) stderr += c.toString('utf8')
    })
    // EPIPE when the program exits before reading everything; its exit status says why.
    child.stdin.on('error', () => {})
    child.on('error', (err: NodeJS.ErrnoException) => {
      opts.signal.removeEventListener('abort', onAbort)
      reject(err.code === 'ENOENT' ? new Error(`${command} is not installed: ${opts.installHint}`) : err)
    })
    child.on('close', (code) => {
      opts.signal.removeEventListener('abort', onAbort)
      if (opts.signal.aborted) return reject(opts.signal.reason)
      if (code !== 0) return reject(new Error(`${command} exited with ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`.trim()))
      resolve(Buffer.concat(out))
    })
    child.stdin.end(opts.stdin ?? '')
  })
}
