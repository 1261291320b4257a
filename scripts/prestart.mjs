// Runs before `npm start` and `npm run worker`: refuses a bad configuration at once, then builds
// only when a source changed since the last build (a build takes ~10 s; most starts need none).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { execSync } from 'node:child_process'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
process.chdir(root)

function newest(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))))
}

const built = existsSync('dist/server.js') ? statSync('dist/server.js').mtimeMs : 0
if (built > 0) {
  // The last build's config module knows every variable; a wrong one stops here, before any work.
  const { loadConfigOrExit } = await import(join(root, 'dist/config.js'))
  loadConfigOrExit()
}
const sources = Math.max(...['src', 'prisma/schema.prisma', 'tsconfig.json', 'package-lock.json'].map(newest))
if (sources > built) {
  console.error(built ? 'Sources changed since the last build: building…' : 'First start: building…')
  execSync('npm run build', { stdio: ['ignore', 'ignore', 'inherit'] })
}
