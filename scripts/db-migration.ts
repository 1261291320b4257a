// Writes prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the
// existing migrations and prisma/schema.prisma. Usage: npm run db:migration -- <name>
import { createMigration } from '../src/db/migrations.js'

const NAME = /^[a-z0-9][a-z0-9_]{0,79}$/

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  const name = args[0]
  if (args.length !== 1 || !name || !NAME.test(name)) {
    console.error('usage: npm run db:migration -- <name>')
    console.error('  <name>: lowercase letters, digits and _, starting with a letter or digit (e.g. add_call_notes)')
    return 2
  }
  const created = await createMigration(name)
  if (!created) {
    console.log('schema.prisma and the migrations agree: nothing to write')
    return 0
  }
  console.log(`wrote ${created.dir}/migration.sql`)
  return 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('creating the migration failed:', error instanceof Error ? error.message : error)
    process.exit(1)
  }
)
