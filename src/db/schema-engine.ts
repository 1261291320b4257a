import { readFile } from 'node:fs/promises'
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg'
import type { DbLogger } from './connect.js'

/**
 * Prisma's schema engine compiled to Wasm: the same code as `prisma migrate`, but it talks to the
 * database through a driver adapter, so it needs no native binary and no download.
 */

export type SchemaEngine = bindings.SchemaEngine

// @types/node 20 only declares WebAssembly's types, not the global object (lib "dom" would).
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): Promise<{ instance: { exports: Record<string, unknown> } }>
}

let loaded: Promise<typeof bindings.SchemaEngine> | undefined

/** Instantiates the Wasm module once per process (about 30 ms). */
function loadSchemaEngine(): Promise<typeof bindings.SchemaEngine> {
  loaded ??= (async () => {
    // The package's own entry imports the .wasm as an ES module, which Node 20 only allows behind
    // --experimental-wasm-modules; wiring the glue module to the bytes by hand avoids the flag.
    const wasmUrl = new URL(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm'))
    const imports: Record<string, unknown> = { ...bindings }
    for (const name of Object.keys(imports)) {
      if (name.startsWith('__wbg_setTimeout_')) imports[name] = unrefSetTimeout
    }
    const { instance } = await WebAssembly.instantiate(await readFile(wasmUrl), {
      './schema_engine_bg.js': imports
    })
    bindings.__wbg_set_wasm(instance.exports)
    ;(instance.exports as { __wbindgen_start(): void }).__wbindgen_start()
    return bindings.SchemaEngine
  })()
  return loaded
}

/**
 * The engine bounds its advisory-lock wait with a 10 s timer and never clears it, which kept every
 * process that migrated alive for 10 s after its work was done. The timer only matters while a
 * lock query is in flight, and that query's own socket or PGlite work keeps the process alive.
 */
function unrefSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(callback, ms >>> 0).unref()
}

export interface SchemaFile {
  path: string
  content: string
}

/**
 * Runs `work` with a fresh engine, then frees the engine and disposes every connection it opened:
 * the engine never disposes its adapters itself, and a Postgres pool left open holds the process.
 */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schemaFiles: SchemaFile[],
  logger: DbLogger | undefined,
  work: (engine: SchemaEngine) => Promise<T>
): Promise<T> {
  const SchemaEngineClass = await loadSchemaEngine()
  const opened: SqlDriverAdapter[] = []
  const track = async (connecting: Promise<SqlDriverAdapter>) => {
    const adapter = await connecting
    opened.push(adapter)
    return adapter
  }
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => track(factory.connect()),
    connectToShadowDb: () => track(factory.connectToShadowDb())
  }

  let engine: SchemaEngine | undefined
  try {
    engine = await SchemaEngineClass.new(
      // An empty list makes the engine panic; `undefined` means "no schema", which applying migrations never needs.
      { datamodels: schemaFiles.length > 0 ? schemaFiles.map((file) => [file.path, file.content]) : undefined },
      (line: string) => forwardEngineLog(line, logger),
      bindMigrationAwareSqlAdapterFactory(tracked)
    )
    return await work(engine)
  } finally {
    engine?.free()
    const disposed = await Promise.allSettled(opened.map((adapter) => adapter.dispose()))
    for (const result of disposed) {
      if (result.status === 'rejected') logger?.warn({ err: result.reason }, 'closing a schema engine connection failed')
    }
  }
}

/** The engine logs JSON lines; its INFO lines are chatter ("Starting schema-engine-wasm"), the rest is worth keeping. */
function forwardEngineLog(line: string, logger: DbLogger | undefined): void {
  if (!logger) return
  let entry: { level?: string; fields?: { message?: string } }
  try {
    entry = JSON.parse(line)
  } catch {
    logger.warn({ engine: line.trim() }, 'schema engine')
    return
  }
  const msg = `schema engine: ${entry.fields?.message ?? line.trim()}`
  if (entry.level === 'ERROR') logger.error({ engine: entry.fields }, msg)
  else if (entry.level === 'WARN') logger.warn({ engine: entry.fields }, msg)
}
