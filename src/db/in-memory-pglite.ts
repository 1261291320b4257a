import { PGlite } from '@electric-sql/pglite'

/**
 * Creating a PGlite runs initdb, about 4 s of CPU on a small machine, while loading a dump of a
 * freshly initialised cluster takes under 1 s. The first in-memory instance of the process is
 * dumped (about 40 MB, kept in memory) before anyone writes to it; later ones start from that dump.
 * Tests and createMigration's shadow databases open many in-memory instances, so this adds up.
 */
let pristineCluster: Promise<Blob> | undefined

export async function createInMemoryPglite(): Promise<PGlite> {
  if (pristineCluster) {
    return PGlite.create({ loadDataDir: await pristineCluster })
  }
  const first = await PGlite.create()
  pristineCluster = first.dumpDataDir('none')
  // A failed dump must not poison every later instance: fall back to initdb next time.
  await pristineCluster.catch(() => {
    pristineCluster = undefined
  })
  return first
}
