import type { MultipartFile } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Static, TObject } from 'typebox'
import { Value } from 'typebox/value'
import { badRequest, HttpError, payloadTooLarge } from '../errors.js'
import { FORM_LIMITS } from '../plugins/external/multipart.js'

export interface Upload<File = { buffer: Buffer }> {
  /** the uploaded file, or null when the field is absent */
  file: (File & { filename: string; field: string }) | null
  /** text fields; a repeated field (or one named `x[]`) collects into an array */
  fields: Record<string, string | string[]>
}

/**
 * Reads a multipart request: one file field plus text fields. Turns the parser's errors into
 * messages a user can act on. The file is read into one Buffer, the only copy of the upload
 * (see readFile).
 */
export async function readUpload(request: FastifyRequest, fileField: string, maxUploadMb: number): Promise<Upload> {
  return readForm(request, fileField, maxUploadMb, async (part, capacity) => ({ buffer: await readFile(part, capacity, maxUploadMb) }))
}

/**
 * readUpload for a file that is only read once from start to end (a recording to transcribe): it is
 * written to `dir` as it arrives, so a long upload takes disk, not memory, until it is decoded.
 */
export async function readUploadToDisk(request: FastifyRequest, fileField: string, maxUploadMb: number, dir: string): Promise<Upload<{ path: string }>> {
  return readForm(request, fileField, maxUploadMb, async (part) => {
    const path = join(dir, 'upload')
    await pipeline(part.file, createWriteStream(path))
    if (part.file.truncated) throw fileTooLarge(maxUploadMb)
    return { path }
  })
}

/** `take` keeps the wanted file part; `capacity` bounds its size when the body declares its length. */
async function readForm<File>(
  request: FastifyRequest,
  fileField: string,
  maxUploadMb: number,
  take: (part: MultipartFile, capacity: number | undefined) => Promise<File>
): Promise<Upload<File>> {
  if (!request.isMultipart()) {
    throw badRequest(`Send multipart/form-data with the audio in a "${fileField}" field.`, 'not_multipart')
  }
  const upload: Upload<File> = { file: null, fields: {} }
  const maxBytes = Math.floor(maxUploadMb * 1024 * 1024)
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== fileField || upload.file) {
          await readFile(part, 0, maxUploadMb)
          continue
        }
        const declared = Number(request.headers['content-length'])
        // The body holds the file and more, so its declared length bounds the file's.
        const capacity = Number.isSafeInteger(declared) && declared > 0 ? Math.min(declared, maxBytes) : undefined
        const file = await take(part, capacity)
        upload.file = { ...file, filename: capFilename(part.filename || 'upload'), field: part.fieldname }
      } else {
        if (part.valueTruncated) {
          throw badRequest(
            `Form field "${part.fieldname}" is longer than ${FORM_LIMITS.fieldSize / 1024} KB, the most a text field may hold.`,
            'field_too_large'
          )
        }
        const name = part.fieldname.replace(/\[\]$/, '')
        const value = String(part.value)
        const prior = upload.fields[name]
        upload.fields[name] = prior === undefined ? (part.fieldname.endsWith('[]') ? [value] : value) : [...[prior].flat(), value]
      }
    }
  } catch (err) {
    // Ours already (a stalled body from the upload guard, an oversized field).
    if (err instanceof HttpError) throw err
    const code = (err as { code?: string }).code
    const limit = code && formLimitMessages[code]
    if (limit) throw badRequest(limit, code === 'FST_FILES_LIMIT' ? 'too_many_files' : code === 'FST_FIELDS_LIMIT' ? 'too_many_fields' : 'too_many_parts')
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw fileTooLarge(maxUploadMb)
    if (code?.startsWith('FST_')) throw badRequest(`Malformed multipart request: ${(err as Error).message}.`, 'malformed_multipart')
    throw badRequest(`Malformed multipart request: ${(err as Error).message}. Check the boundary and that the upload completed.`, 'malformed_multipart')
  }
  return upload
}

/**
 * A file part's bytes, copied chunk by chunk into one buffer of `capacity` bytes allocated up front.
 * Collecting the chunks and concatenating them at the end (as part.toBuffer() does) holds the upload
 * twice at its peak: 58 MB more for a 30-minute 16 kHz WAV. An allocation the body never fills costs
 * address space, not memory: the kernel backs pages only once they are written. Without a capacity
 * (a chunked body, or capacity 0 for a part that is thrown away) the chunks are collected as before.
 * Past the file size limit the rest of the part is drained before the 413, so the answer arrives
 * on a connection that can still carry it.
 */
async function readFile(part: MultipartFile, capacity: number | undefined, maxUploadMb: number): Promise<Buffer> {
  let into: Buffer | undefined = capacity ? Buffer.allocUnsafe(capacity) : undefined
  const chunks: Buffer[] = []
  let length = 0
  let truncated = false
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    truncated ||= part.file.truncated
    if (truncated || capacity === 0) continue
    if (into) {
      // The parser stops at Content-Length, so this only guards against a miscount.
      if (length + chunk.length > into.length) into = grow(into, length, length + chunk.length)
      chunk.copy(into, length)
    } else {
      chunks.push(chunk)
    }
    length += chunk.length
  }
  if (truncated || part.file.truncated) throw fileTooLarge(maxUploadMb)
  return into ? into.subarray(0, length) : Buffer.concat(chunks, length)
}

function grow(buffer: Buffer, used: number, needed: number): Buffer {
  const grown = Buffer.allocUnsafe(Math.max(needed, buffer.length * 2))
  buffer.copy(grown, 0, 0, used)
  return grown
}

function fileTooLarge(maxUploadMb: number): HttpError {
  return payloadTooLarge(`The file is larger than the ${maxUploadMb} MB upload limit (MAX_UPLOAD_MB).`)
}

/**
 * The file's bytes, to be taken once: the upload keeps no reference to them afterwards, so whoever
 * takes them decides how long they live (see SpeechService.transcribeFile).
 */
export function handOverFile(file: { buffer: Buffer }): () => Buffer {
  return () => {
    const { buffer } = file
    file.buffer = Buffer.alloc(0)
    return buffer
  }
}

const formLimitMessages: Record<string, string> = {
  FST_FIELDS_LIMIT: `Too many form fields: at most ${FORM_LIMITS.fields} form fields are accepted, each up to ${FORM_LIMITS.fieldSize / 1024} KB.`,
  FST_FILES_LIMIT: `Too many files: send one file per request (at most ${FORM_LIMITS.files}).`,
  FST_PARTS_LIMIT: `Too many form parts: send one file and at most ${FORM_LIMITS.fields} text fields.`
}

/** File names are stored and shown back; past 255 characters the middle goes and the extension stays. */
export const MAX_FILENAME_LENGTH = 255

function capFilename(name: string): string {
  if (name.length <= MAX_FILENAME_LENGTH) return name
  const ext = /\.[A-Za-z0-9]{1,10}$/.exec(name)?.[0] ?? ''
  return name.slice(0, MAX_FILENAME_LENGTH - ext.length) + ext
}

/**
 * Text fields of a multipart form (or query parameters) as the schema's types: defaults applied,
 * strings converted ("true", "3", a lone value for an array). The first problem is a 400 that names
 * the field, since JSON-schema paths mean nothing to someone filling in a form.
 */
export function parseFields<T extends TObject>(schema: T, fields: Record<string, unknown>): Static<T> {
  assertNumerals(schema, fields)
  const value = Value.Convert(schema, Value.Default(schema, { ...fields }))
  if (Value.Check(schema, value)) return value as Static<T>
  const [first] = Value.Errors(schema, value)
  const params = first.params as { requiredProperties?: string[]; allowedValues?: unknown[] }
  if (first.keyword === 'required' && params.requiredProperties?.length) {
    throw badRequest(`Missing field "${params.requiredProperties[0]}".`, 'missing_field')
  }
  const field = first.instancePath.split('/')[1] ?? 'form'
  const detail = params.allowedValues ? `must be one of ${params.allowedValues.join(', ')}` : first.message
  throw badRequest(`Invalid field "${field}": ${detail}.`, 'invalid_field')
}

const NUMERALS = {
  integer: { pattern: /^[+-]?\d+$/, says: 'an integer' },
  number: { pattern: /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, says: 'a number' }
}

/**
 * TypeBox's Convert reads numbers leniently: "1.5" becomes the integer 1, "" becomes 0 and "0x10"
 * 16. A field that is not written as a plain decimal number of the schema's type is refused instead.
 */
function assertNumerals(schema: TObject, fields: Record<string, unknown>) {
  for (const [field, raw] of Object.entries(fields)) {
    const type = (schema.properties[field] as { type?: unknown } | undefined)?.type
    if (typeof raw !== 'string' || (type !== 'integer' && type !== 'number')) continue
    const numeral = NUMERALS[type]
    if (!numeral.pattern.test(raw)) {
      throw badRequest(`Invalid field "${field}": must be ${numeral.says}; got ${JSON.stringify(raw.slice(0, 40))}.`, 'invalid_field')
    }
  }
}
