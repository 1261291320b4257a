/**
 * Downloads a whisper.cpp ggml model for the local whisper engine:
 *   npm run models:download -- base.en [--dir DIR] [--base-url URL] [--sha1 HEX] [--force]
 * Saves to DATA_DIR/models/ggml-<model>.bin (DATA_DIR defaults to ./data), verifying the SHA-1 while
 * streaming and renaming into place only when it matches, so a model file on disk is always complete.
 * WHISPER_MODELS_BASE_URL (or --base-url) replaces the Hugging Face host, e.g. for a mirror.
 */
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

export const DEFAULT_BASE_URL = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main'

/**
 * SHA-1 of each file as published in whisper.cpp's models/README.md ("Available models" table,
 * https://github.com/ggml-org/whisper.cpp/blob/master/models/README.md); the same values appear in
 * independent projects that download these files. Models missing here have no published hash: pass --sha1.
 */
export const KNOWN_SHA1: Record<string, string> = {
  tiny: 'bd577a113a864445d4c299885e0cb97d4ba92b5f',
  'tiny.en': 'c78c86eb1a8faa21b369bcd33207cc90d64ae9df',
  base: '465707469ff3a37a2b9b8d8f89f2f99de7299dac',
  'base.en': '137c40403d78fd54d454da0f9bd998f78703390c',
  small: '55356645c2b361a969dfd0ef2c5a50d530afd8d5',
  'small.en': 'db8a495a91d927739e50b3fc1cc4c6b8f6c2d022',
  'small.en-tdrz': 'b6c6e7e89af1a35c08e6de56b66ca6a02a2fdfa1',
  medium: 'fd9727b6e1217c2f614f9b698455c4ffd82463b4',
  'medium.en': '8c30f0e44ce9560643ebd10bbe50cd20eafd3723',
  'large-v1': 'b1caaf735c4cc1429223d5a74f0f4d0b9b59a299',
  'large-v2': '0f4c8e34f21cf1a914c59d8b3ce882345ad349d6',
  'large-v2-q5_0': '00e39f2196344e901b3a2bd5814807a769bd1630',
  'large-v3': 'ad82bf6a9043ceed055076d0fd39f5f186ff8062',
  'large-v3-q5_0': 'e6e2ed78495d403bef4b7cff42ef4aaadcfea8de',
  'large-v3-turbo': '4af2b29d7ec73d781377bfd1758ca957a807e941',
  'large-v3-turbo-q5_0': 'e050f7970618a659205450ad97eb95a18d69c9ee'
}

export interface DownloadOptions {
  model: string
  dir: string
  baseUrl?: string
  /** expected SHA-1; required for models without a published hash */
  sha1?: string
  /** download again even if a verified file is already there */
  force?: boolean
  /** where progress goes (default process.stderr) */
  progress?: NodeJS.WritableStream & { isTTY?: boolean }
}

export class DownloadError extends Error {
  override name = 'DownloadError'
}

/** Downloads and verifies one model; returns its final path. */
export async function downloadModel(opts: DownloadOptions): Promise<string> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(opts.model)) throw new DownloadError(`"${opts.model}" is not a model name, e.g. base.en or large-v3-turbo.`)
  const expected = (opts.sha1 ?? KNOWN_SHA1[opts.model])?.toLowerCase()
  if (!expected) {
    throw new DownloadError(
      `No published checksum for "${opts.model}". Known models: ${Object.keys(KNOWN_SHA1).join(', ')}. Pass --sha1 to download another one.`
    )
  }
  const out = opts.progress ?? process.stderr
  const target = resolve(opts.dir, `ggml-${opts.model}.bin`)
  if (!opts.force && (await sha1OfFile(target)) === expected) {
    out.write(`${target} is already there and verified.\n`)
    return target
  }

  const url = `${(opts.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}/ggml-${opts.model}.bin`
  await mkdir(opts.dir, { recursive: true })
  const partial = `${target}.${process.pid}.part`
  let response: Response
  try {
    response = await fetch(url)
  } catch (err) {
    throw new DownloadError(`Cannot reach ${url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`)
  }
  if (!response.ok || !response.body) throw new DownloadError(`${url} answered HTTP ${response.status}${response.status === 404 ? ': no such model' : ''}.`)

  const total = Number(response.headers.get('content-length')) || undefined
  const hash = createHash('sha1')
  const bar = progressBar(out, opts.model, total)
  let received = 0
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length
      hash.update(chunk)
      bar(received)
      done(null, chunk)
    }
  })
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), meter, createWriteStream(partial))
    bar(received, true)
    if (total !== undefined && received !== total) throw new DownloadError(`Download of ${url} stopped at ${received} of ${total} bytes.`)
    const actual = hash.digest('hex')
    if (actual !== expected) throw new DownloadError(`Checksum mismatch for ${url}: expected SHA-1 ${expected}, got ${actual}. The file was discarded.`)
    await rename(partial, target)
  } catch (err) {
    await rm(partial, { force: true })
    throw err instanceof DownloadError ? err : new DownloadError(`Download of ${url} failed: ${(err as Error).message}`)
  }
  out.write(`Saved ${target}\nSet WHISPER_MODEL_PATH=${target}\n`)
  return target
}

async function sha1OfFile(path: string): Promise<string | undefined> {
  if (!(await stat(path).catch(() => undefined))?.isFile()) return undefined
  const hash = createHash('sha1')
  await pipeline(createReadStream(path), hash)
  return hash.digest('hex')
}

/** One redrawn line on a terminal; a line per 10% elsewhere (CI logs, pipes). */
function progressBar(out: NodeJS.WritableStream & { isTTY?: boolean }, label: string, total: number | undefined) {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
  let lastDecile = -1
  let lastDraw = 0
  return (received: number, final = false) => {
    const fraction = total ? Math.min(1, received / total) : undefined
    const text =
      fraction !== undefined
        ? `${label} [${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '-')}] ${Math.floor(fraction * 100)}% ${mb(received)}/${mb(total!)} MB`
        : `${label} ${mb(received)} MB`
    if (out.isTTY) {
      if (final || Date.now() - lastDraw > 100) out.write(`\r${text}${final ? '\n' : ''}`)
      lastDraw = Date.now()
      return
    }
    const decile = fraction !== undefined ? Math.floor(fraction * 10) : Math.floor(received / (50 * 1024 * 1024))
    if (decile > lastDecile || (final && decile !== lastDecile)) out.write(`${text}\n`)
    lastDecile = decile
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: 'string' }, 'base-url': { type: 'string' }, sha1: { type: 'string' }, force: { type: 'boolean' } }
  })
  if (positionals.length !== 1) {
    throw new DownloadError(
      `Usage: npm run models:download -- <model> [--dir DIR] [--base-url URL] [--sha1 HEX] [--force]\nModels: ${Object.keys(KNOWN_SHA1).join(', ')}`
    )
  }
  await downloadModel({
    model: positionals[0],
    dir: values.dir ?? join(process.env.DATA_DIR || './data', 'models'),
    baseUrl: values['base-url'] ?? (process.env.WHISPER_MODELS_BASE_URL || undefined),
    sha1: values.sha1,
    force: values.force
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: Error) => {
    process.stderr.write(`${err instanceof DownloadError ? err.message : (err.stack ?? err.message)}\n`)
    process.exit(1)
  })
}
