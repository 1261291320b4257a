import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

/**
 * Uploaded audio lives under DATA_DIR/audio, one file per record. Workers on other machines need
 * the same DATA_DIR (a shared volume, as docker-compose.yml sets up).
 */
export function createAudioStore(dataDir: string) {
  const dir = resolve(dataDir, 'audio')
  const pathOf = (id: string) => join(dir, `${id}.audio`)
  return {
    pathOf,
    async save(id: string, bytes: Uint8Array): Promise<string> {
      await mkdir(dir, { recursive: true })
      const path = pathOf(id)
      await writeFile(path, bytes)
      return path
    },
    read: (id: string) => readFile(pathOf(id)),
    async remove(id: string) {
      await rm(pathOf(id), { force: true })
    }
  }
}

export type AudioStore = ReturnType<typeof createAudioStore>
