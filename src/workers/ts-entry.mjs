/**
 * Entry of a worker thread when the server runs from TypeScript (tsx, vitest). Registering tsx here,
 * inside the thread, runs the worker at the speed of built output; `--import tsx` in the thread's
 * execArgv made the same DSP work about 2.5x slower. The TypeScript worker to load is the last argv
 * entry, set by createWorkerPool. Built output never uses this file.
 */
import { register } from 'tsx/esm/api'

register()
const worker = await import(process.argv[process.argv.length - 1])

export default worker.default
