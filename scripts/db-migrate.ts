// Applies pending migrations to DATABASE_URL, or to the embedded PGlite database under DATA_DIR
// (default ./data), the same database the server would open.
import { openDatabase, type DbLogger } from '../src/db/connect.js'
import { applyMigrations } from '../src/db/migrations.js'

const cliLogger: DbLogger = {
  info: () => {},
  warn: (_obj, msg) => console.warn(msg),
  error: (_obj, msg) => console.error(msg)
}

function describeTarget(databaseUrl: string | undefined, dataDir: string): string {
  if (!databaseUrl) return `PGlite in ${dataDir}/pglite`
  const url = new URL(databaseUrl)
  url.password = ''
  return `Postgres ${url.host}${url.pathname}`
}

async function main(): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL || undefined
  const dataDir = process.env.DATA_DIR || 'data'
  console.log(`migrating ${describeTarget(databaseUrl, dataDir)}`)
  const db = await openDatabase({ databaseUrl, dataDir, logger: cliLogger })
  try {
    const { applied } = await applyMigrations(db, { logger: cliLogger })
    if (applied.length === 0) console.log('database is up to date')
    for (const name of applied) console.log(`applied ${name}`)
    return 0
  } finally {
    await db.close()
  }
}

// Exit explicitly: a CLI should not wait on anything a library left scheduled.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('migration failed:', error instanceof Error ? error.message : error)
    process.exit(1)
  }
)
